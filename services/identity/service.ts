/**
 * The identity service: users, credentials, tokens. `create` builds it without starting it.
 */
import { createAuth, createService, loadConfig, type Service, type ServiceOptions } from '../kit/index.ts';
import { identityConfigSchema, type IdentityConfig } from './config.ts';
import { loadSigningKey, jwksOf, parsePreviousKeys } from './domain/keys.ts';
import { createPasswordHasher } from './domain/passwords.ts';
import { LoginThrottle } from './domain/login-throttle.ts';
import { Accounts } from './domain/accounts.ts';
import { guardCache } from './data/guarded-cache.ts';
import { registerIdentityRoutes } from './http/routes.ts';

/** Options of {@link create}: the kit's, with identity's own config. */
export type IdentityOptions = Partial<Omit<ServiceOptions, 'config'>> & { readonly config?: IdentityConfig };

/** The built service, with what in-process neighbours may want (the JWKS for local verification). */
export interface IdentityService extends Service {
  readonly accounts: Accounts;
  /** The public key set; under `npm start` other services can verify with it without HTTP. */
  readonly jwks: ReturnType<typeof jwksOf>;
}

/** Builds identity (not started). */
export async function create(options: IdentityOptions = {}): Promise<IdentityService> {
  const config = options.config ?? loadConfig(identityConfigSchema);
  const key = await loadSigningKey(config.IDENTITY_SIGNING_KEY);
  const jwks = jwksOf(key, parsePreviousKeys(config.IDENTITY_PREVIOUS_KEYS));
  const auth = createAuth({ jwks, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  const svc = await createService({
    name: config.SERVICE_NAME ?? 'identity',
    migrations: new URL('./data/migrations', import.meta.url),
    cache: true,
    ...options,
    config,
    auth,
  });
  if (key.generated) svc.log.warn({ kid: key.kid }, 'no IDENTITY_SIGNING_KEY: using a key generated at start (tokens die with this process)');
  if (!svc.cache) throw new Error('identity needs a cache');
  const cache = guardCache(svc.cache, config.CACHE_TIMEOUT_MS);
  const accounts = new Accounts({
    db: svc.db,
    cache,
    log: svc.log,
    hasher: await createPasswordHasher({ memoryKib: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST }),
    throttle: new LoginThrottle(cache, {
      maxFailures: config.LOGIN_MAX_FAILURES,
      windowMs: config.LOGIN_FAILURE_WINDOW_MS,
      backoffBaseMs: config.LOGIN_BACKOFF_BASE_MS,
      backoffMaxMs: config.LOGIN_BACKOFF_MAX_MS,
    }),
    tokens: { key, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, accessTtlS: config.ACCESS_TOKEN_TTL_S },
    refreshTtlS: config.REFRESH_TOKEN_TTL_S,
    adminEmails: config.ADMIN_EMAILS,
    publishRegistered: (tx, data) => svc.events.publish(tx, { type: 'user.registered', data }),
  });
  registerIdentityRoutes(svc.app, { accounts, auth, jwks });
  return Object.assign(svc, { accounts, jwks });
}
