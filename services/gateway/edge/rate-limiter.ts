/**
 * Rate limits in Redis with a sliding-window counter (`sliding-window.ts`). Every gateway replica
 * shares the counts in Redis; a Lua script reads, updates and returns a client's counter
 * atomically and takes the time from Redis, so replicas with skewed clocks agree on windows.
 *
 * Two ways to count, chosen by `syncIntervalMs`:
 * - `0`: every request is decided by the script in Redis — exact across replicas, one Redis round
 *   trip per request.
 * - `> 0` (the gateway's default, 100 ms): a client's first request in this replica is decided in
 *   Redis as above; after that the replica decides from the counter it got back plus its own
 *   admissions since, and writes those admissions to Redis in one batch every interval, getting
 *   the fleet's count back. A counter not synced for two intervals (the client paused) is
 *   refreshed by deciding the next request in Redis again. Requests cost a Map lookup instead of
 *   a round trip. The price is bounded: another replica's admissions are seen up to two intervals
 *   late, so across N replicas a client can get at most (N − 1) × (its request rate × 2 intervals)
 *   more than the limit. One replica alone is exact.
 *
 * While Redis fails, every check fails too (the caller's `whenUnavailable` decides), whichever mode;
 * admissions not yet written are kept and written once it is back.
 */
import type { Redis } from 'ioredis';
import { decide, type WindowCounter } from './sliding-window.ts';

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

/** Checks and counts one request of a client against a limit (synchronously when it can). */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): RateDecision | Promise<RateDecision>;
  /** Writes what is still counted only locally, and stops the sync timer. */
  close?(): Promise<void>;
}

// KEYS[1] = the client's hash; ARGV = window_ms, limit, n, mode. Fields: w (window index), c, p.
// mode "decide": decide one request like sliding-window.ts and count it when allowed.
// mode "add": add n requests admitted elsewhere (a replica's local admissions).
// Returns {allowed, window index, c before this call's decision, p, Redis time in ms}.
const COUNTER_LUA = `
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
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
local before = c
local allowed = 1
if ARGV[4] == 'decide' then
  local left = window - (now - idx * window)
  if p * left / window + c + 1 > limit then allowed = 0 else c = c + 1 end
else
  c = c + n
end
redis.call('HSET', KEYS[1], 'w', idx, 'c', c, 'p', p)
redis.call('PEXPIRE', KEYS[1], window * 2)
return {allowed, idx, before, p, now}
`;

type CounterReply = [allowed: number, idx: number, before: number, p: number, now: number];
type CounterRedis = Redis & {
  vitrineRateCounter(key: string, windowMs: number, limit: number, n: number, mode: 'decide' | 'add'): Promise<CounterReply>;
};

/** How the Redis limiter counts. */
export interface RedisRateLimiterOptions {
  /** Prefix of the Redis keys (several shops or tests can share one Redis). */
  readonly keyPrefix?: string;
  /** 0 = every request decided in Redis; otherwise local counting written back this often. */
  readonly syncIntervalMs?: number;
  /** Clients remembered locally at most (the least recently added are forgotten first). */
  readonly maxKeys?: number;
}

interface Entry extends WindowCounter {
  readonly limit: number;
  readonly windowMs: number;
  /** Admitted here, not yet written to Redis. */
  pending: number;
  /** Set while the first request's decision is in Redis; later requests wait for it. */
  loading: Promise<unknown> | undefined;
  usedAt: number;
  /** When the counter last came back from Redis (local clock). */
  syncedAt: number;
}

const DEFAULT_MAX_KEYS = 100_000;

/** A Redis-backed limiter. */
export function createRedisRateLimiter(redis: Redis, options: RedisRateLimiterOptions = {}): RateLimiter {
  const r = redis as CounterRedis;
  if (typeof r.vitrineRateCounter !== 'function') {
    redis.defineCommand('vitrineRateCounter', { numberOfKeys: 1, lua: COUNTER_LUA });
  }
  const prefix = options.keyPrefix ?? 'vitrine:gateway:rl:';
  const syncMs = options.syncIntervalMs ?? 0;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;

  /** One request decided by the script; returns the counter as Redis had it before. */
  const decideInRedis = async (key: string, limit: number, windowMs: number): Promise<{ decision: RateDecision; counter: WindowCounter; now: number }> => {
    const [, idx, before, p, now] = await r.vitrineRateCounter(`${prefix}${key}`, windowMs, limit, 1, 'decide');
    const counter = { idx, c: before, p };
    // The same arithmetic as the script, from the same state and clock: the same answer.
    return { decision: decide(counter, now, limit, windowMs), counter, now };
  };

  if (syncMs <= 0) {
    return { hit: async (key, limit, windowMs) => (await decideInRedis(key, limit, windowMs)).decision };
  }

  const entries = new Map<string, Entry>();
  let clockOffset = 0; // Redis time − local time, from the latest reply
  let storeDown = false;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let closed = false;
  const now = (): number => Date.now() + clockOffset;

  /**
   * Takes Redis's counter (and clock) into an entry. Redis does not hold this replica's unwritten
   * admissions yet, so they are added back.
   */
  const adopt = (e: Entry, counter: WindowCounter, redisNow: number): void => {
    clockOffset = redisNow - Date.now();
    storeDown = false;
    e.idx = counter.idx;
    e.p = counter.p;
    e.c = counter.c + e.pending;
    e.syncedAt = Date.now();
  };

  const flush = async (): Promise<void> => {
    timer = undefined;
    const batch: [string, Entry, number][] = [];
    for (const [key, e] of entries) {
      if (e.pending > 0) {
        batch.push([key, e, e.pending]);
        e.pending = 0;
      }
    }
    // ioredis auto-pipelining sends the batch in one write.
    await Promise.all(batch.map(async ([key, e, n]) => {
      try {
        const [, idx, before, p, redisNow] = await r.vitrineRateCounter(`${prefix}${key}`, e.windowMs, e.limit, n, 'add');
        adopt(e, { idx, c: before + n, p }, redisNow);
      } catch {
        storeDown = true;
        e.pending += n; // written with a later batch
        schedule();
      }
    }));
    sweep();
  };

  const schedule = (): void => {
    if (timer !== undefined || closed) return;
    timer = setTimeout(() => {
      flushing = flush().finally(() => {
        flushing = undefined;
      });
    }, syncMs);
    timer.unref();
  };

  // Forgets clients idle for two windows (their Redis keys expire then too) and bounds the Map.
  const sweep = (): void => {
    const t = Date.now();
    for (const [key, e] of entries) {
      if (e.pending === 0 && e.loading === undefined && (t - e.usedAt > 2 * e.windowMs || entries.size > maxKeys)) entries.delete(key);
    }
  };

  /** A client not known here yet: decided in Redis; requests arriving meanwhile wait for it. */
  const first = async (key: string, limit: number, windowMs: number): Promise<RateDecision> => {
    const entry: Entry = { idx: -1, c: 0, p: 0, limit, windowMs, pending: 0, loading: undefined, usedAt: Date.now(), syncedAt: 0 };
    const loading = decideInRedis(key, limit, windowMs);
    entry.loading = loading;
    entries.set(key, entry);
    try {
      const { decision, counter, now: redisNow } = await loading;
      adopt(entry, counter, redisNow);
      entry.loading = undefined;
      return decision;
    } catch (err) {
      entries.delete(key);
      throw err;
    }
  };

  /**
   * A known client whose counter is stale (no sync for two intervals: the replica saw no traffic
   * from it) or while Redis fails: the request is decided in Redis, and the counter refreshed.
   */
  const refresh = async (e: Entry, key: string): Promise<RateDecision> => {
    const { decision, counter, now: redisNow } = await decideInRedis(key, e.limit, e.windowMs);
    adopt(e, counter, redisNow);
    if (e.pending > 0) schedule();
    return decision;
  };

  const hit = (key: string, limit: number, windowMs: number): RateDecision | Promise<RateDecision> => {
    let e = entries.get(key);
    if (e !== undefined && (e.limit !== limit || e.windowMs !== windowMs) && e.loading === undefined) {
      entries.delete(key); // the limit changed (config reload): start over from Redis's count
      e = undefined;
    }
    if (e === undefined) return first(key, limit, windowMs);
    if (e.loading !== undefined) {
      const again = (): RateDecision | Promise<RateDecision> => hit(key, limit, windowMs);
      return e.loading.then(again, again);
    }
    e.usedAt = Date.now();
    // Decided locally only on a counter synced within the last two intervals; a failing Redis is
    // asked on every request (failing fast), so its return is noticed at once.
    if (storeDown || e.usedAt - e.syncedAt > 2 * syncMs) return refresh(e, key);
    const decision = decide(e, now(), limit, windowMs);
    if (decision.allowed) {
      e.pending++;
      schedule();
    }
    return decision;
  };

  return {
    hit,
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await flushing;
      await flush();
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
