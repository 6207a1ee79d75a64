/**
 * Identity's configuration: the base variables plus token lifetimes, the signing key, admin
 * bootstrap, password hashing cost and the failed-login back-off.
 */
import { z } from 'zod';
import { baseConfigSchema } from '../kit/index.ts';

const emailList = z
  .string()
  .transform((s) => s.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.email()));

/** Schema of identity's environment. */
export const identityConfigSchema = baseConfigSchema.extend({
  /** Private signing key: PKCS#8 PEM or a private JWK (JSON). Absent → an Ed25519 key generated at start (dev only). */
  IDENTITY_SIGNING_KEY: z.string().min(1).optional(),
  /** Retired public keys kept in the JWKS during a key rotation: JSON array of public JWKs (with kid and alg) or a JWKS. */
  IDENTITY_PREVIOUS_KEYS: z.string().min(1).optional(),
  /** Comma-separated e-mails that get the `admin` role when they register. */
  ADMIN_EMAILS: emailList.default([]),
  /** A cache operation slower than this fails (Redis down must not hang requests). */
  CACHE_TIMEOUT_MS: z.coerce.number().int().positive().default(500),
  ACCESS_TOKEN_TTL_S: z.coerce.number().int().positive().max(3600).default(900),
  REFRESH_TOKEN_TTL_S: z.coerce.number().int().positive().default(30 * 24 * 3600),
  /** argon2id memory cost (KiB); absent → the library default. Lower it only in tests. */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(8).optional(),
  /** argon2id passes; absent → the library default. Lower it only in tests. */
  ARGON2_TIME_COST: z.coerce.number().int().min(1).optional(),
  /** The failure (per e-mail and client address) at which the back-off starts. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  /** Window in which failures are counted. */
  LOGIN_FAILURE_WINDOW_MS: z.coerce.number().int().positive().default(15 * 60_000),
  /** First lock-out after the allowance is spent; doubles with every further failure. */
  LOGIN_BACKOFF_BASE_MS: z.coerce.number().int().positive().default(1_000),
  /** Longest lock-out. */
  LOGIN_BACKOFF_MAX_MS: z.coerce.number().int().positive().default(15 * 60_000),
});

/** Parsed identity config. */
export type IdentityConfig = z.infer<typeof identityConfigSchema>;
