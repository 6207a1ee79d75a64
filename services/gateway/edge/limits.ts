/**
 * Applies the configured limits to one request: per client address and, for identified callers,
 * per user. The most restrictive decision sets the RateLimit headers. When the limiter's store
 * fails, the configured mode decides: `open` serves the request (availability over protection),
 * `closed` refuses it with 503.
 */
import type { GatewayConfig } from '../config/schema.ts';
import { gatewayErrors } from '../http/errors.ts';
import { rateLimitHeaders, type RateDecision, type RateLimiter } from './rate-limiter.ts';

/** What the pipeline gets back. */
export interface LimitOutcome {
  readonly headers: Record<string, string>;
  /** Set when the store failed and the mode is `open`. */
  readonly degraded: boolean;
  /** Set when a limit refused the request: seconds to wait. */
  readonly refusedRetryAfterSeconds?: number;
}

/** Checks the limits; throws `rate_limiter_unavailable` when the store fails in `closed` mode. */
export async function applyLimits(
  limiter: RateLimiter,
  limits: GatewayConfig['rateLimits'],
  address: string,
  subject: string | undefined,
): Promise<LimitOutcome> {
  const checks: { key: string; limit: number; windowMs: number }[] = [];
  if (limits.perAddress) checks.push({ key: `addr:${address}`, ...limits.perAddress });
  if (limits.perUser && subject !== undefined) checks.push({ key: `user:${subject}`, ...limits.perUser });
  if (checks.length === 0) return { headers: {}, degraded: false };
  let decisions: { d: RateDecision; windowMs: number }[];
  try {
    // A locally counted limiter answers synchronously; only checks that went to Redis are awaited.
    const answers = checks.map((c) => limiter.hit(c.key, c.limit, c.windowMs));
    const ds = answers.some((a) => a instanceof Promise) ? await Promise.all(answers) : (answers as RateDecision[]);
    decisions = ds.map((d, i) => ({ d, windowMs: checks[i]!.windowMs }));
  } catch (err) {
    if (limits.whenUnavailable === 'open') return { headers: {}, degraded: true };
    throw gatewayErrors.rate_limiter_unavailable('rate limit store unreachable', { retryAfterSeconds: 1 }, { cause: err });
  }
  const refused = decisions.find((x) => !x.d.allowed);
  const tightest = refused ?? decisions.reduce((a, b) => (b.d.remaining < a.d.remaining ? b : a));
  const headers = rateLimitHeaders(tightest.d, tightest.windowMs);
  return refused ? { headers, degraded: false, refusedRetryAfterSeconds: refused.d.retryAfterSeconds } : { headers, degraded: false };
}
