/**
 * Identity's rules: registration, login with back-off, refresh-token rotation with reuse
 * detection, logout and access-token revocation. No HTTP here; callers pass what they know.
 */
import { randomUUID } from 'node:crypto';
import type { Cache, Db, Logger, Tx } from '../../kit/index.ts';
import { identityErrors } from '../errors.ts';
import { findUserByEmail, findUserById, insertUser, type UserRow } from '../data/users-repo.ts';
import { findTokenForUpdate, insertFamily, insertToken, markUsed, revokeFamily } from '../data/refresh-repo.ts';
import type { PasswordHasher } from './passwords.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { hashRefreshToken, issueAccessToken, newRefreshToken, type TokenSettings } from './tokens.ts';

/** Data of the `user.registered` event. */
export interface RegisteredData {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
}

/** What the account rules need. */
export interface AccountDeps {
  readonly db: Db;
  readonly cache: Cache;
  readonly log: Logger;
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly tokens: TokenSettings;
  readonly refreshTtlS: number;
  /** Normalized e-mails that become admins on registration. */
  readonly adminEmails: readonly string[];
  /** Writes `user.registered` into the outbox in `tx`. */
  readonly publishRegistered: (tx: Tx, data: RegisteredData) => Promise<unknown>;
}

/** Login and refresh answer. */
export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly tokenType: 'Bearer';
}

/** Trimmed and lower-cased, so that `Ana@X.com ` and `ana@x.com` are one account. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const REVOKED_PREFIX = 'revoked:';

/** The account rules of one identity service. */
export class Accounts {
  constructor(private readonly deps: AccountDeps) {}

  /** Creates a user (admin when listed in ADMIN_EMAILS) and publishes `user.registered`. */
  async register(input: { email: string; password: string; name: string }): Promise<{ id: string; email: string }> {
    const email = normalizeEmail(input.email);
    const roles = this.deps.adminEmails.includes(email) ? ['customer', 'admin'] : ['customer'];
    const user: UserRow = { id: randomUUID(), email, name: input.name.trim(), passwordHash: await this.deps.hasher.hash(input.password), roles };
    await this.deps.db.tx(async (tx) => {
      if (!(await insertUser(tx, user))) throw identityErrors.email_taken('an account with this e-mail exists');
      await this.deps.publishRegistered(tx, { userId: user.id, email: user.email, name: user.name });
    });
    this.deps.log.info({ userId: user.id, admin: roles.includes('admin') }, 'user registered');
    return { id: user.id, email: user.email };
  }

  /** Checks the password (with back-off per e-mail and client address) and starts a refresh family. */
  async login(input: { email: string; password: string }, clientIp: string): Promise<TokenPair> {
    const email = normalizeEmail(input.email);
    const wait = await this.deps.throttle.waitMs(email, clientIp);
    if (wait > 0) throw tooMany(wait);
    const user = await findUserByEmail(this.deps.db, email);
    const ok = user ? await this.deps.hasher.verify(user.passwordHash, input.password) : (await this.deps.hasher.burn(input.password), false);
    if (!user || !ok) {
      const lock = await this.deps.throttle.fail(email, clientIp);
      this.deps.log.info({ locked: lock > 0 }, 'login failed');
      throw identityErrors.invalid_credentials('the e-mail or the password is wrong');
    }
    await this.deps.throttle.succeed(email, clientIp);
    const familyId = randomUUID();
    const refreshToken = newRefreshToken();
    await this.deps.db.tx(async (tx) => {
      await insertFamily(tx, familyId, user.id);
      await insertToken(tx, hashRefreshToken(refreshToken), familyId, user.id, this.refreshExpiry());
    });
    this.deps.log.info({ userId: user.id, familyId }, 'login succeeded');
    return this.pair(user, refreshToken);
  }

  /**
   * Rotates a refresh token: the old one is spent and a new one of the same family is returned.
   * A spent token presented again means it leaked (or the client raced itself): the whole family
   * is revoked, so the thief's descendants die with it.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const tokenHash = hashRefreshToken(refreshToken);
    const outcome = await this.deps.db.tx(async (tx) => {
      const row = await findTokenForUpdate(tx, tokenHash);
      if (!row) return { kind: 'unknown' as const };
      if (row.familyRevoked) return { kind: 'revoked' as const, familyId: row.familyId };
      if (row.expiresAt.getTime() <= Date.now()) return { kind: 'expired' as const, familyId: row.familyId };
      // The row lock makes this race-free: of two concurrent refreshes, the second sees it spent.
      if (row.usedAt !== null || !(await markUsed(tx, tokenHash))) {
        await revokeFamily(tx, row.familyId, 'reuse');
        return { kind: 'reused' as const, familyId: row.familyId, userId: row.userId };
      }
      const user = await findUserById(tx, row.userId);
      if (!user) return { kind: 'unknown' as const };
      const next = newRefreshToken();
      await insertToken(tx, hashRefreshToken(next), row.familyId, user.id, this.refreshExpiry());
      return { kind: 'rotated' as const, user, next, familyId: row.familyId };
    });
    switch (outcome.kind) {
      case 'rotated':
        return this.pair(outcome.user, outcome.next);
      case 'reused':
        this.deps.log.warn({ userId: outcome.userId, familyId: outcome.familyId }, 'refresh token reused; family revoked');
        throw identityErrors.refresh_token_reused('this refresh token was used before; sign in again');
      case 'revoked':
        throw identityErrors.invalid_refresh_token('the session of this refresh token was revoked');
      case 'expired':
        throw identityErrors.invalid_refresh_token('the refresh token expired');
      default:
        throw identityErrors.invalid_refresh_token('unknown refresh token');
    }
  }

  /**
   * Revokes the access token `jti` until it would have expired anyway, and the refresh family of
   * `refreshToken` when one is given (and belongs to the caller).
   */
  async logout(input: { userId: string; jti?: string; expiresAt?: number; refreshToken?: string }): Promise<void> {
    if (input.jti && input.expiresAt) {
      const ttlMs = input.expiresAt * 1000 - Date.now();
      if (ttlMs > 0) await this.deps.cache.set(`${REVOKED_PREFIX}${input.jti}`, '1', { ttlMs });
    }
    if (input.refreshToken) {
      const tokenHash = hashRefreshToken(input.refreshToken);
      await this.deps.db.tx(async (tx) => {
        const row = await findTokenForUpdate(tx, tokenHash);
        if (row && row.userId === input.userId) await revokeFamily(tx, row.familyId, 'logout');
      });
    }
    this.deps.log.info({ userId: input.userId }, 'logged out');
  }

  /** True when the access token `jti` was revoked by a logout. */
  async isRevoked(jti: string): Promise<boolean> {
    return (await this.deps.cache.get(`${REVOKED_PREFIX}${jti}`)) !== null;
  }

  /** The public profile of a user. */
  async profile(userId: string): Promise<{ id: string; email: string; name: string; roles: string[] }> {
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw identityErrors.user_not_found(`user ${userId}`);
    return { id: user.id, email: user.email, name: user.name, roles: user.roles };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.deps.refreshTtlS * 1000);
  }

  private async pair(user: UserRow, refreshToken: string): Promise<TokenPair> {
    const access = await issueAccessToken(this.deps.tokens, { userId: user.id, roles: user.roles });
    return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, tokenType: 'Bearer' };
  }
}

function tooMany(waitMs: number) {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return identityErrors.too_many_attempts(`try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}
