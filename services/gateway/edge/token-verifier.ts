/**
 * Bearer token checks against identity's JWKS. jose's remote key set caches the keys and refetches
 * when a token names an unknown `kid` (a rotation), at most once per cooldown; the gateway sets a
 * short cooldown so a rotated key is picked up within seconds.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import type { RouteAuth } from '../config/schema.ts';
import { gatewayErrors } from '../http/errors.ts';

/** The verified caller. */
export interface Caller {
  readonly subject: string;
  readonly roles: readonly string[];
}

/** Verifier settings. */
export interface TokenVerifierOptions {
  readonly jwksUrl?: string;
  /** A fixed key set instead of a URL (embedded start). */
  readonly jwks?: JSONWebKeySet;
  readonly issuer: string;
  readonly audience: string;
  /** Minimum time between JWKS refetches for unknown kids. @default 5000 */
  readonly cooldownMs?: number;
  /** Keys are refetched at least this often. @default 600000 */
  readonly cacheMaxAgeMs?: number;
}

/** Checks a route's policy for a request's Authorization header. */
export interface TokenVerifier {
  /**
   * Returns the caller (or undefined for an anonymous request on a public route); throws
   * `unauthorized` or `forbidden` gateway errors when the policy is not met.
   */
  check(policy: RouteAuth, authorization: string | undefined): Promise<Caller | undefined>;
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/;

/** Creates the verifier. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = options.jwks
    ? createLocalJWKSet(options.jwks)
    : createRemoteJWKSet(new URL(options.jwksUrl ?? 'http://identity/.well-known/jwks.json'), {
        cooldownDuration: options.cooldownMs ?? 5_000,
        cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
      });

  async function verify(token: string): Promise<Caller> {
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: options.issuer, audience: options.audience, clockTolerance: 30 });
      if (typeof payload.sub !== 'string' || payload.sub === '') throw gatewayErrors.unauthorized('token has no subject');
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      return { subject: payload.sub, roles };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw gatewayErrors.unauthorized('token expired');
      if (err instanceof joseErrors.JOSEError) throw gatewayErrors.unauthorized('invalid token');
      throw err;
    }
  }

  return {
    async check(policy, authorization) {
      const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
      if (policy === 'public') {
        // A valid token on a public route still identifies the caller for per-user limits;
        // an invalid one is ignored there, since the route needs no identity.
        if (token === undefined) return undefined;
        return verify(token).catch(() => undefined);
      }
      if (token === undefined) throw gatewayErrors.unauthorized(authorization ? 'malformed authorization header' : 'bearer token required');
      const caller = await verify(token);
      if (typeof policy === 'object' && !caller.roles.includes(policy.role)) {
        throw gatewayErrors.forbidden(`role ${policy.role} required`);
      }
      return caller;
    },
  };
}
