/**
 * The sliding-window counter both limiters use: the count of the current fixed window plus the
 * previous window's count weighted by how much of it still overlaps the sliding window. One copy of
 * the arithmetic, so the in-process limiter, the Redis script and the locally counted Redis limiter
 * agree on every decision.
 */
import type { RateDecision } from './rate-limiter.ts';

/** The state of one client's counter. */
export interface WindowCounter {
  /** Index of the current fixed window (`floor(now / windowMs)`). */
  idx: number;
  /** Requests counted in the current window. */
  c: number;
  /** Requests counted in the previous window. */
  p: number;
}

/** Moves a counter to the window that contains `now` (the old current window becomes the previous one). */
function roll(s: WindowCounter, now: number, windowMs: number): void {
  const idx = Math.floor(now / windowMs);
  if (s.idx === idx) return;
  s.p = s.idx === idx - 1 ? s.c : 0;
  s.c = 0;
  s.idx = idx;
}

/** Decides one request at `now` and counts it when allowed (mutates `s`). */
export function decide(s: WindowCounter, now: number, limit: number, windowMs: number): RateDecision {
  roll(s, now, windowMs);
  const left = windowMs - (now - s.idx * windowMs);
  const estimate = (s.p * left) / windowMs + s.c;
  const resetSeconds = Math.ceil(left / 1000);
  if (estimate + 1 > limit) {
    // When the current window alone still has room, the previous window's weight is what refuses:
    // wait until enough of it has slid out.
    const wait = s.c + 1 <= limit && s.p > 0 ? left - Math.floor(((limit - 1 - s.c) * windowMs) / s.p) : left;
    return { allowed: false, limit, remaining: 0, resetSeconds, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
  }
  s.c++;
  return { allowed: true, limit, remaining: Math.max(0, limit - Math.floor(estimate + 1)), resetSeconds, retryAfterSeconds: 0 };
}
