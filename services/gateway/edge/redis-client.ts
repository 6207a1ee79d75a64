/**
 * The Redis connection used by the rate limiter. Commands fail fast instead of queueing while Redis
 * is away (no offline queue, one short timeout), so the `whenUnavailable` setting decides quickly
 * instead of requests piling up behind a dead connection.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../kit/index.ts';

/** How long one rate-limit command may take before the store counts as unavailable. */
export const RATE_LIMIT_COMMAND_TIMEOUT_MS = 250;

/** Opens the limiter's Redis client; errors are logged (at most once per reconnect cycle). */
export function openLimiterRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: RATE_LIMIT_COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    // Checks of concurrent requests issued in the same tick go out in one write: far fewer syscalls
    // per request under load, which is when the limiter matters.
    enableAutoPipelining: true,
  });
  let reported = false;
  redis.on('error', (err: Error) => {
    if (!reported) log.warn({ err: err.message }, 'rate limiter redis unavailable');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) log.info('rate limiter redis reconnected');
    reported = false;
  });
  return redis;
}
