/**
 * The in-process rate limiter for `npm start` (no Redis): the same sliding-window counter as the
 * Redis script, in a Map. Only correct for one gateway process, which is all `npm start` runs.
 */
import type { RateDecision, RateLimiter } from './rate-limiter.ts';

interface WindowState { w: number; c: number; p: number }

/** Creates an in-memory limiter; `now` is replaceable in tests. */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const state = new Map<string, WindowState>();
  return {
    hit(key, limit, windowMs): Promise<RateDecision> {
      const t = now();
      const idx = Math.floor(t / windowMs);
      const s = state.get(key) ?? { w: -1, c: 0, p: 0 };
      if (s.w !== idx) {
        s.p = s.w === idx - 1 ? s.c : 0;
        s.c = 0;
        s.w = idx;
      }
      state.set(key, s);
      if (state.size > 100_000) state.delete(state.keys().next().value as string); // bound memory
      const left = windowMs - (t - idx * windowMs);
      const estimate = (s.p * left) / windowMs + s.c;
      if (estimate + 1 > limit) {
        const wait = s.c + 1 <= limit && s.p > 0 ? left - Math.floor(((limit - 1 - s.c) * windowMs) / s.p) : left;
        return Promise.resolve({ allowed: false, limit, remaining: 0, resetSeconds: Math.ceil(left / 1000), retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) });
      }
      s.c++;
      return Promise.resolve({ allowed: true, limit, remaining: Math.max(0, limit - Math.floor(estimate + 1)), resetSeconds: Math.ceil(left / 1000), retryAfterSeconds: 0 });
    },
  };
}
