/**
 * Identity's HTTP API (DESIGN.md §5): register, login, refresh, logout, the caller's profile and
 * the JWKS. Handlers only translate between HTTP and the account rules.
 */
import { Router, type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { JSONWebKeySet } from 'jose';
import { isAppError, kitErrors, validated, type Auth } from '../../kit/index.ts';
import type { Accounts } from '../domain/accounts.ts';
import { identityErrors } from '../errors.ts';
import { loginBody, logoutBody, refreshBody, registerBody } from './schemas.ts';
import { identityOpenApi } from './openapi.ts';
import { cacheOutage } from './cache-outage.ts';

/** What the routes need. */
export interface IdentityRouteDeps {
  readonly accounts: Accounts;
  readonly auth: Auth;
  readonly jwks: JSONWebKeySet;
}

// Verifiers cache the key set; five minutes keeps a key rotation quick to propagate.
const JWKS_CACHE_CONTROL = 'public, max-age=300';

/** Sets Retry-After on throttling problems before the kit's error middleware writes them. */
const retryAfter: ErrorRequestHandler = (err, _req, res, next) => {
  if (isAppError(err) && typeof err.extra.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(err.extra.retryAfterSeconds));
  next(err);
};

/** Registers identity's routes on `app`. */
export function registerIdentityRoutes(app: Express, deps: IdentityRouteDeps): void {
  const { accounts, auth, jwks } = deps;

  // A logged-out access token stays cryptographically valid until it expires; identity's own
  // protected routes also check the revocation list.
  const notRevoked: RequestHandler = async (req, _res, next) => {
    const jti = req.principal?.claims.jti;
    if (!jti) throw kitErrors.unauthorized('token has no jti');
    if (await accounts.isRevoked(jti)) throw identityErrors.token_revoked('this token was revoked by a logout');
    next();
  };

  const sendJwks: RequestHandler = (_req, res) => {
    res.setHeader('Cache-Control', JWKS_CACHE_CONTROL);
    res.json(jwks);
  };
  app.get('/.well-known/jwks.json', sendJwks);
  app.get('/openapi.json', (_req, res) => {
    res.json(identityOpenApi);
  });

  const router = Router();
  router.get('/jwks.json', sendJwks);

  router.post(
    '/register',
    validated({ body: registerBody }, async ({ body }, _req, res) => {
      const created = await accounts.register(body);
      res.status(201).json(created);
    }),
  );

  router.post(
    '/login',
    validated({ body: loginBody }, async ({ body }, req, res) => {
      const pair = await accounts.login(body, req.ip ?? 'unknown');
      res.setHeader('Cache-Control', 'no-store');
      res.json(pair);
    }),
  );

  router.post(
    '/refresh',
    validated({ body: refreshBody }, async ({ body }, _req, res) => {
      const pair = await accounts.refresh(body.refreshToken);
      res.setHeader('Cache-Control', 'no-store');
      res.json(pair);
    }),
  );

  router.post(
    '/logout',
    auth.authenticate(),
    notRevoked,
    validated({ body: logoutBody }, async ({ body }, req, res) => {
      const principal = req.principal;
      if (!principal) throw kitErrors.unauthorized('bearer token required');
      await accounts.logout({
        userId: principal.subject,
        ...(principal.claims.jti ? { jti: principal.claims.jti } : {}),
        ...(principal.claims.exp ? { expiresAt: principal.claims.exp } : {}),
        ...(body.refreshToken ? { refreshToken: body.refreshToken } : {}),
      });
      res.status(204).end();
    }),
  );

  router.get('/me', auth.authenticate(), notRevoked, async (req, res) => {
    const principal = req.principal;
    if (!principal) throw kitErrors.unauthorized('bearer token required');
    res.json(await accounts.profile(principal.subject));
  });

  // Login's back-off and the revocation list live in Redis: without it, fail closed with a 503.
  router.use(cacheOutage, retryAfter);
  app.use('/api/identity', router);
}
