/**
 * Access tokens (JWT, 15 minutes, asymmetric signature, RFC 9068 `at+jwt` type) and refresh tokens
 * (opaque random strings; only their SHA-256 is stored). Keeping refresh tokens opaque means one
 * can never pass for the other: an access token is unknown to the refresh table, and a refresh
 * token is not a JWS any verifier would accept.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './keys.ts';

/** Claims identity puts into access tokens. */
export interface AccessClaims {
  readonly userId: string;
  readonly roles: readonly string[];
}

/** A freshly signed access token. */
export interface IssuedAccessToken {
  readonly token: string;
  readonly jti: string;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
}

/** Who signs and for whom. */
export interface TokenSettings {
  readonly key: SigningKey;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTtlS: number;
}

/** Signs an access token for `claims`. */
export async function issueAccessToken(settings: TokenSettings, claims: AccessClaims, now = Date.now()): Promise<IssuedAccessToken> {
  const jti = randomUUID();
  const iat = Math.floor(now / 1000);
  const token = await new SignJWT({ roles: [...claims.roles] })
    .setProtectedHeader({ alg: settings.key.alg, kid: settings.key.kid, typ: 'at+jwt' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(claims.userId)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.accessTtlS)
    .sign(settings.key.privateKey);
  return { token, jti, expiresIn: settings.accessTtlS };
}

/** A new opaque refresh token (256 random bits, base64url). */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The form a refresh token is stored and looked up in. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
