/**
 * Shipping's configuration: the tracking link's domain and key ring, cache and rate-limit settings.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { baseConfigSchema } from '../kit/index.ts';
import { parseKeyRing, type KeyRing } from './domain/key-ring.ts';

/** Shipping's config schema. */
export const shippingConfigSchema = baseConfigSchema.extend({
  /** Tracking links are `https://rastreio.<TRACKING_DOMAIN>/?h=<token>`. */
  TRACKING_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/).default('vitrine.localhost'),
  /** Overrides the link's origin (e.g. `http://rastreio.localhost:8080` under `npm start`). */
  TRACKING_BASE_URL: z.url().optional(),
  /** `kid:secret[,kid:secret...]`, secrets base64url of ≥ 32 bytes; absent → one random key (links die with the process). */
  TRACKING_KEYS: z.string().optional(),
  /** Key new links are signed with; @default the first of TRACKING_KEYS */
  TRACKING_ACTIVE_KID: z.string().optional(),
  TRACKING_LINK_TTL_DAYS: z.coerce.number().int().positive().max(3650).default(120),
  /** How long a tracking view stays cached (shipment events invalidate it earlier). */
  TRACKING_CACHE_TTL_MS: z.coerce.number().int().positive().default(300_000),
  /** In-memory copy of a view in front of Redis (bounds how stale another replica's change can look); 0 = off. */
  TRACKING_LOCAL_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Key of the hashes of contact e-mails and postcodes (the lookup form); absent → random. */
  LOOKUP_PEPPER: z.string().min(32).optional(),
  /** Lookups allowed per client address and per order number in one window. */
  LOOKUP_LIMIT: z.coerce.number().int().positive().default(5),
  LOOKUP_WINDOW_MS: z.coerce.number().int().positive().default(900_000),
  /** Carrier adapter name (the deterministic test carrier books under this name). */
  CARRIER: z.string().regex(/^[a-z0-9-]{1,64}$/).default('vitrine-express'),
  /** Bearer token other services present on `/internal/*`; absent → those routes are open (local use). */
  INTERNAL_API_TOKEN: z.string().min(16).optional(),
});

/** Parsed shipping config. */
export type ShippingConfig = z.infer<typeof shippingConfigSchema>;

/** Settings derived from the config once at start-up. */
export interface ShippingSettings {
  readonly ring: KeyRing;
  readonly baseUrl: string;
  readonly pepper: Buffer;
  readonly linkTtlMs: number;
  /** True when a key or the pepper was made up because the config had none. */
  readonly ephemeral: boolean;
}

/** Resolves the key ring, link origin and pepper. */
export function shippingSettings(config: ShippingConfig): ShippingSettings {
  const ephemeral = !config.TRACKING_KEYS || !config.LOOKUP_PEPPER;
  const keys = config.TRACKING_KEYS ?? `dev:${randomBytes(32).toString('base64url')}`;
  return {
    ring: parseKeyRing(keys, config.TRACKING_ACTIVE_KID),
    baseUrl: (config.TRACKING_BASE_URL ?? `https://rastreio.${config.TRACKING_DOMAIN}`).replace(/\/+$/, ''),
    pepper: config.LOOKUP_PEPPER ? Buffer.from(config.LOOKUP_PEPPER) : randomBytes(32),
    linkTtlMs: config.TRACKING_LINK_TTL_DAYS * 86_400_000,
    ephemeral,
  };
}
