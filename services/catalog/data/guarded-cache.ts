/**
 * A time limit on cache operations. The kit's Redis client retries a command while it reconnects
 * (seconds, with back-off); a request should not hang that long when Redis is down, so operations
 * that take longer than `timeoutMs` fail with {@link CacheUnavailableError}. (A local work-around:
 * the kit's cache has no command timeout option, and services may not edit the kit.)
 */
import type { Cache } from '../../kit/index.ts';

/** The cache did not answer in time, or its connection is down. */
export class CacheUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CacheUnavailableError';
  }
}

function limit<T>(op: string, timeoutMs: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CacheUnavailableError(`cache ${op} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  const work = run().catch((err: unknown) => {
    throw new CacheUnavailableError(`cache ${op} failed`, { cause: err });
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Wraps `cache` so that every operation fails within `timeoutMs`. */
export function guardCache(cache: Cache, timeoutMs: number): Cache {
  return {
    engine: cache.engine,
    get: (key) => limit('get', timeoutMs, () => cache.get(key)),
    set: (key, value, options) => limit('set', timeoutMs, () => cache.set(key, value, options)),
    del: (...keys) => limit('del', timeoutMs, () => cache.del(...keys)),
    incr: (key) => limit('incr', timeoutMs, () => cache.incr(key)),
    incrBy: (key, by) => limit('incrBy', timeoutMs, () => cache.incrBy(key, by)),
    expire: (key, ttlMs) => limit('expire', timeoutMs, () => cache.expire(key, ttlMs)),
    ttl: (key) => limit('ttl', timeoutMs, () => cache.ttl(key)),
    hget: (key, field) => limit('hget', timeoutMs, () => cache.hget(key, field)),
    hset: (key, fields) => limit('hset', timeoutMs, () => cache.hset(key, fields)),
    hdel: (key, ...fields) => limit('hdel', timeoutMs, () => cache.hdel(key, ...fields)),
    hgetall: (key) => limit('hgetall', timeoutMs, () => cache.hgetall(key)),
    hincrBy: (key, field, by) => limit('hincrBy', timeoutMs, () => cache.hincrBy(key, field, by)),
    ping: () => limit('ping', timeoutMs, () => cache.ping()),
    close: () => cache.close(),
  };
}
