/**
 * Back-off after repeated failed logins, counted per (e-mail, client address) in the cache. The
 * `maxFailures`-th failure in the window and each later one lock the pair out for
 * `base * 2^(n - maxFailures)` ms, capped. Keys hold a hash, never the e-mail itself.
 */
import { createHash } from 'node:crypto';
import type { Cache } from '../../kit/index.ts';

/** Throttle settings. */
export interface ThrottleSettings {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** Lock-out after the `failures`-th failure; 0 while the allowance lasts. */
export function lockoutMs(failures: number, s: ThrottleSettings): number {
  if (failures < s.maxFailures) return 0;
  const exponent = Math.min(failures - s.maxFailures, 30);
  return Math.min(s.backoffBaseMs * 2 ** exponent, s.backoffMaxMs);
}

/** Per-pair failed-login counter. */
export class LoginThrottle {
  constructor(
    private readonly cache: Cache,
    private readonly settings: ThrottleSettings,
  ) {}

  private key(kind: 'fails' | 'lock', email: string, ip: string): string {
    const digest = createHash('sha256').update(`${email}\u0000${ip}`).digest('base64url');
    return `login-${kind}:${digest}`;
  }

  /** Milliseconds the pair must still wait; 0 when it may try. */
  async waitMs(email: string, ip: string): Promise<number> {
    const ttl = await this.cache.ttl(this.key('lock', email, ip));
    return ttl > 0 ? ttl : 0;
  }

  /** Records a failure; returns the lock-out it caused (0 for none). */
  async fail(email: string, ip: string): Promise<number> {
    const fails = this.key('fails', email, ip);
    const n = await this.cache.incr(fails);
    if (n === 1) await this.cache.expire(fails, this.settings.windowMs);
    const lock = lockoutMs(n, this.settings);
    if (lock > 0) {
      await this.cache.set(this.key('lock', email, ip), String(n), { ttlMs: lock });
      // Keep counting while locked out: the window must outlive the lock.
      await this.cache.expire(fails, Math.max(this.settings.windowMs, lock * 2));
    }
    return lock;
  }

  /** Forgets the pair's failures after a good login. */
  async succeed(email: string, ip: string): Promise<void> {
    await this.cache.del(this.key('fails', email, ip), this.key('lock', email, ip));
  }
}
