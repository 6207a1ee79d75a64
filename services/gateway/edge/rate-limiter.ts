/**
 * Rate limits in Redis with a sliding-window counter: the count of the current fixed window plus
 * the previous window's count weighted by how much of it still overlaps the sliding window. One
 * Lua script reads, decides and increments atomically (no race between gateway replicas), and it
 * takes the time from Redis so replicas with skewed clocks agree. Each client is one small hash.
 */
import type { Redis } from 'ioredis';

/** The outcome of one check. */
export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets (for the RateLimit header). */
  readonly resetSeconds: number;
  /** Seconds to wait before retrying, when refused. */
  readonly retryAfterSeconds: number;
}

/** Checks and counts one request of a client against a limit. */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
}

// KEYS[1] = client hash; ARGV = window_ms, limit. Fields: w (window index), c (count), p (previous count).
const SLIDING_WINDOW_LUA = `
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local idx = math.floor(now / window)
local state = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local w = tonumber(state[1]) or -1
local c = tonumber(state[2]) or 0
local p = tonumber(state[3]) or 0
if w ~= idx then
  if w == idx - 1 then p = c else p = 0 end
  c = 0
end
local elapsed = now - idx * window
local left = window - elapsed
local estimate = p * left / window + c
if estimate + 1 > limit then
  local wait = left
  if c + 1 <= limit and p > 0 then
    wait = left - math.floor((limit - 1 - c) * window / p)
  end
  if wait < 1 then wait = 1 end
  redis.call('HSET', KEYS[1], 'w', idx, 'c', c, 'p', p)
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return {0, math.floor(estimate), left, wait}
end
c = c + 1
redis.call('HSET', KEYS[1], 'w', idx, 'c', c, 'p', p)
redis.call('PEXPIRE', KEYS[1], window * 2)
return {1, math.floor(estimate + 1), left, 0}
`;

type SlidingWindowRedis = Redis & {
  vitrineSlidingWindow(key: string, windowMs: number, limit: number): Promise<[number, number, number, number]>;
};

/** A Redis-backed limiter. Keys are prefixed so several shops or tests can share one Redis. */
export function createRedisRateLimiter(redis: Redis, keyPrefix = 'vitrine:gateway:rl:'): RateLimiter {
  const r = redis as SlidingWindowRedis;
  if (typeof r.vitrineSlidingWindow !== 'function') {
    redis.defineCommand('vitrineSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
  }
  return {
    async hit(key, limit, windowMs) {
      const [allowed, count, leftMs, waitMs] = await r.vitrineSlidingWindow(`${keyPrefix}${key}`, windowMs, limit);
      return {
        allowed: allowed === 1,
        limit,
        remaining: Math.max(0, limit - count),
        resetSeconds: Math.ceil(leftMs / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      };
    },
  };
}

/**
 * Headers of a decision: the IETF draft's `RateLimit-Policy` and `RateLimit` fields
 * (draft-ietf-httpapi-ratelimit-headers) plus Retry-After on refusal. The older three-field form
 * (`RateLimit-Limit/-Remaining/-Reset`) is left out: it says the same with three more headers on
 * every answer.
 */
export function rateLimitHeaders(d: RateDecision, windowMs: number): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-policy': `${d.limit};w=${Math.ceil(windowMs / 1000)}`,
    'ratelimit': `limit=${d.limit}, remaining=${d.remaining}, reset=${d.resetSeconds}`,
  };
  if (!d.allowed) headers['retry-after'] = String(d.retryAfterSeconds);
  return headers;
}
