/**
 * The in-process rate limiter for `npm start` (no Redis): the sliding-window counter of
 * `sliding-window.ts` in a Map. Only correct for one gateway process, which is all `npm start` runs.
 */
import type { RateLimiter } from './rate-limiter.ts';
import { decide, type WindowCounter } from './sliding-window.ts';

const MAX_KEYS = 100_000;

/** Creates an in-memory limiter; `now` is replaceable in tests. */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const state = new Map<string, WindowCounter>();
  return {
    hit(key, limit, windowMs) {
      let s = state.get(key);
      if (s === undefined) {
        s = { idx: -1, c: 0, p: 0 };
        state.set(key, s);
        if (state.size > MAX_KEYS) state.delete(state.keys().next().value as string); // bound memory
      }
      return decide(s, now(), limit, windowMs);
    },
  };
}
