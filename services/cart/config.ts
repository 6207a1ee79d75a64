/**
 * Cart's configuration: the base variables plus where catalog is and the cart's limits.
 */
import { z } from 'zod';
import { baseConfigSchema } from '../kit/index.ts';

/** Schema of cart's environment. */
export const cartConfigSchema = baseConfigSchema.extend({
  /** Base URL of catalog (price snapshots); not needed when an in-process lookup is passed. */
  CATALOG_URL: z.url().optional(),
  /** A cache operation slower than this fails (Redis down must not hang requests). */
  CACHE_TIMEOUT_MS: z.coerce.number().int().positive().default(500),
  CATALOG_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  /** A cart untouched this long disappears; every write restarts the clock. */
  CART_TTL_MS: z.coerce.number().int().positive().default(7 * 24 * 3600 * 1000),
  CART_MAX_LINES: z.coerce.number().int().positive().default(50),
  CART_MAX_QUANTITY: z.coerce.number().int().positive().default(99),
});

/** Parsed cart config. */
export type CartConfig = z.infer<typeof cartConfigSchema>;
