/**
 * The cache port: one interface over ioredis (production, tests) and an in-process map with TTLs
 * (embedded default). Keys are prefixed per service by the adapters.
 */

/** Options of `set`. */
export interface SetOptions {
  /** Time to live; no expiry when absent. */
  readonly ttlMs?: number;
  /** Only set when the key does not exist (`SET NX`). */
  readonly onlyIfAbsent?: boolean;
}

/** The cache of one service. Values are strings; use {@link getJson}/{@link setJson} for objects. */
export interface Cache {
  readonly engine: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Returns false when `onlyIfAbsent` was given and the key existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Deletes keys; returns how many existed. */
  del(...keys: string[]): Promise<number>;
  /** Adds 1 (creating the key at 0), returns the new value. */
  incr(key: string): Promise<number>;
  /** Adds `by` to an integer key, returns the new value. */
  incrBy(key: string, by: number): Promise<number>;
  /** Sets a TTL; false when the key does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Remaining TTL in ms; -1 without expiry, -2 when the key does not exist (Redis's convention). */
  ttl(key: string): Promise<number>;
  hget(key: string, field: string): Promise<string | null>;
  /** Sets fields of a hash. */
  hset(key: string, fields: Readonly<Record<string, string>>): Promise<void>;
  /** Deletes fields; returns how many existed. */
  hdel(key: string, ...fields: string[]): Promise<number>;
  /** All fields of a hash; `{}` when the key does not exist. */
  hgetall(key: string): Promise<Record<string, string>>;
  /** Adds `by` to an integer field, returns the new value. */
  hincrBy(key: string, field: string, by: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Reads a JSON value; null when absent. */
export async function getJson<T>(cache: Cache, key: string): Promise<T | null> {
  const raw = await cache.get(key);
  return raw === null ? null : (JSON.parse(raw) as T);
}

/** Writes a JSON value. */
export async function setJson(cache: Cache, key: string, value: unknown, options?: SetOptions): Promise<boolean> {
  return cache.set(key, JSON.stringify(value), options);
}
