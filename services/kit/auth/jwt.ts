/**
 * Bearer token verification with jose against a JWKS (remote URL or a local key set), checking
 * issuer and audience; and the middleware that requires a caller or certain roles.
 */
import type { RequestHandler } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, errors as joseErrors, type JSONWebKeySet, type JWTPayload } from 'jose';
import { kitErrors } from '../errors.ts';

/** The authenticated caller. */
export interface Principal {
  /** `sub` claim: the user id. */
  readonly subject: string;
  /** `roles` claim (array of strings), empty when absent. */
  readonly roles: readonly string[];
  /** All verified claims. */
  readonly claims: Readonly<JWTPayload>;
}

/** Where keys come from, and what tokens must say. */
export interface AuthOptions {
  /** JWKS endpoint (e.g. identity's `/.well-known/jwks.json`). */
  readonly jwksUrl?: string;
  /** A local key set, used instead of `jwksUrl` (tests, single-process start). */
  readonly jwks?: JSONWebKeySet;
  readonly issuer: string;
  readonly audience: string;
  /** Accepted clock skew. @default 30 */
  readonly clockToleranceSec?: number;
}

/** Verifier and middleware bound to one key set. */
export interface Auth {
  /** Verifies a compact JWS and returns the principal; throws a 401 AppError otherwise. */
  verify(token: string): Promise<Principal>;
  /** Requires a valid bearer token; sets `req.principal`. */
  authenticate(): RequestHandler;
  /** Like {@link authenticate} but lets anonymous requests through (invalid tokens still fail). */
  optional(): RequestHandler;
  /** Requires every one of `roles` (after authentication). */
  requireRoles(...roles: string[]): RequestHandler;
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  return match?.[1];
}

/** Creates the verifier. Exactly one of `jwksUrl` and `jwks` must be given. */
export function createAuth(options: AuthOptions): Auth {
  if (!options.jwksUrl === !options.jwks) throw new Error('createAuth: give exactly one of jwksUrl and jwks');
  const keys = options.jwks ? createLocalJWKSet(options.jwks) : createRemoteJWKSet(new URL(options.jwksUrl as string));

  async function verify(token: string) {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceSec ?? 30,
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') throw kitErrors.unauthorized('token has no subject');
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      return { subject: payload.sub, roles, claims: payload };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw kitErrors.unauthorized('token expired');
      if (err instanceof joseErrors.JOSEError) throw kitErrors.unauthorized('invalid token');
      throw err;
    }
  }

  const middleware = (required: boolean): RequestHandler => async (req, _res, next) => {
    const header = req.get('authorization');
    const token = bearer(header);
    if (!token) {
      if (header || required) throw kitErrors.unauthorized(header ? 'malformed authorization header' : 'bearer token required');
      next();
      return;
    }
    req.principal = await verify(token);
    next();
  };

  return {
    verify,
    authenticate: () => middleware(true),
    optional: () => middleware(false),
    requireRoles: (...roles) => (req, _res, next) => {
      if (!req.principal) throw kitErrors.unauthorized('bearer token required');
      const missing = roles.filter((r) => !req.principal?.roles.includes(r));
      if (missing.length > 0) throw kitErrors.forbidden(`missing role(s): ${missing.join(', ')}`);
      next();
    },
  };
}
