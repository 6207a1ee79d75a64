/**
 * The cache on Redis through ioredis. Keys get the service's prefix; TTLs are in milliseconds
 * (PX / PEXPIRE / PTTL) so both adapters speak the same unit.
 */
import { Redis } from 'ioredis';
import type { Cache, SetOptions } from './cache.ts';

/** Options of {@link createRedisCache}. */
export interface RedisCacheOptions {
  readonly url: string;
  /** Prepended to every key, e.g. `cart:`. */
  readonly keyPrefix?: string;
  /** Called on connection errors (ioredis reconnects by itself). */
  readonly onError?: (err: Error) => void;
}

/** Creates a Redis-backed cache and waits until it is connected. */
export async function createRedisCache(options: RedisCacheOptions): Promise<Cache> {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix ?? '',
    lazyConnect: true,
    // Fail commands fast while disconnected instead of queueing them forever.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
  // ioredis emits 'error' on every failed reconnect; unhandled, that would crash the process.
  redis.on('error', (err: Error) => options.onError?.(err));
  await redis.connect();

  return {
    engine: 'redis',
    get: (key) => redis.get(key),
    async set(key, value, opts: SetOptions = {}) {
      let r: string | null;
      if (opts.ttlMs !== undefined && opts.onlyIfAbsent) r = await redis.set(key, value, 'PX', opts.ttlMs, 'NX');
      else if (opts.ttlMs !== undefined) r = await redis.set(key, value, 'PX', opts.ttlMs);
      else if (opts.onlyIfAbsent) r = await redis.set(key, value, 'NX');
      else r = await redis.set(key, value);
      return r === 'OK';
    },
    del: (...keys) => (keys.length === 0 ? Promise.resolve(0) : redis.del(...keys)),
    incr: (key) => redis.incr(key),
    incrBy: (key, by) => redis.incrby(key, by),
    async expire(key, ttlMs) {
      return (await redis.pexpire(key, ttlMs)) === 1;
    },
    ttl: (key) => redis.pttl(key),
    hget: (key, field) => redis.hget(key, field),
    async hset(key, fields) {
      if (Object.keys(fields).length > 0) await redis.hset(key, fields);
    },
    hdel: (key, ...fields) => (fields.length === 0 ? Promise.resolve(0) : redis.hdel(key, ...fields)),
    hgetall: (key) => redis.hgetall(key),
    hincrBy: (key, field, by) => redis.hincrby(key, field, by),
    async ping() {
      await redis.ping();
    },
    async close() {
      await redis.quit();
    },
  };
}
