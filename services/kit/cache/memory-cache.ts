/**
 * In-process cache with the same contract as Redis: strings and hashes, TTLs in ms, lazy expiry
 * plus a periodic sweep so that expired keys do not pile up.
 */
import type { Cache, SetOptions } from './cache.ts';

type Value = { kind: 'string'; value: string } | { kind: 'hash'; value: Map<string, string> };
interface Entry {
  data: Value;
  expiresAt?: number;
}

const SWEEP_INTERVAL_MS = 30_000;

/** Raised like Redis's WRONGTYPE error. */
export class WrongTypeError extends Error {
  constructor(key: string) {
    super(`WRONGTYPE operation against key "${key}" holding the wrong kind of value`);
    this.name = 'WrongTypeError';
  }
}

/** Creates an in-process cache. */
export function createMemoryCache(options: { now?: () => number } = {}): Cache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const sweep = setInterval(() => {
    const t = now();
    for (const [k, e] of entries) if (e.expiresAt !== undefined && e.expiresAt <= t) entries.delete(k);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  const live = (key: string): Entry | undefined => {
    const e = entries.get(key);
    if (e && e.expiresAt !== undefined && e.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  const str = (key: string): Entry | undefined => {
    const e = live(key);
    if (e && e.data.kind !== 'string') throw new WrongTypeError(key);
    return e;
  };
  const hash = (key: string, create: boolean): Map<string, string> | undefined => {
    const e = live(key);
    if (e) {
      if (e.data.kind !== 'hash') throw new WrongTypeError(key);
      return e.data.value;
    }
    if (!create) return undefined;
    const value = new Map<string, string>();
    entries.set(key, { data: { kind: 'hash', value } });
    return value;
  };
  const toInt = (key: string, raw: string | undefined): number => {
    const n = raw === undefined ? 0 : Number(raw);
    if (!Number.isSafeInteger(n)) throw new Error(`ERR value at "${key}" is not an integer`);
    return n;
  };

  return {
    engine: 'memory',
    async get(key) {
      const e = str(key);
      return e ? (e.data.value as string) : null;
    },
    async set(key, value, opts: SetOptions = {}) {
      if (opts.onlyIfAbsent && live(key)) return false;
      entries.set(key, { data: { kind: 'string', value }, ...(opts.ttlMs !== undefined ? { expiresAt: now() + opts.ttlMs } : {}) });
      return true;
    },
    async del(...keys) {
      let n = 0;
      for (const k of keys) if (live(k) && entries.delete(k)) n++;
      return n;
    },
    async incr(key) {
      return this.incrBy(key, 1);
    },
    async incrBy(key, by) {
      const e = str(key);
      const next = toInt(key, e?.data.value as string | undefined) + by;
      // INCR keeps an existing TTL, like Redis.
      entries.set(key, { data: { kind: 'string', value: String(next) }, ...(e?.expiresAt !== undefined ? { expiresAt: e.expiresAt } : {}) });
      return next;
    },
    async expire(key, ttlMs) {
      const e = live(key);
      if (!e) return false;
      e.expiresAt = now() + ttlMs;
      return true;
    },
    async ttl(key) {
      const e = live(key);
      if (!e) return -2;
      return e.expiresAt === undefined ? -1 : e.expiresAt - now();
    },
    async hget(key, field) {
      return hash(key, false)?.get(field) ?? null;
    },
    async hset(key, fields) {
      const h = hash(key, true) as Map<string, string>;
      for (const [f, v] of Object.entries(fields)) h.set(f, v);
    },
    async hdel(key, ...fields) {
      const h = hash(key, false);
      if (!h) return 0;
      let n = 0;
      for (const f of fields) if (h.delete(f)) n++;
      // Redis removes a hash whose last field is gone.
      if (h.size === 0) entries.delete(key);
      return n;
    },
    async hgetall(key) {
      return Object.fromEntries(hash(key, false) ?? []);
    },
    async hincrBy(key, field, by) {
      const h = hash(key, true) as Map<string, string>;
      const next = toInt(key, h.get(field)) + by;
      h.set(field, String(next));
      return next;
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
