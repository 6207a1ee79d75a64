/**
 * Catalog's configuration: the base variables plus the cache TTL and page size.
 */
import { z } from 'zod';
import { baseConfigSchema } from '../kit/index.ts';

/** Schema of catalog's environment. */
export const catalogConfigSchema = baseConfigSchema.extend({
  /** A cache operation slower than this fails (Redis down must not hang requests). */
  CACHE_TIMEOUT_MS: z.coerce.number().int().positive().default(500),
  /** How long a product or a result page stays in the cache (events invalidate earlier). */
  CATALOG_CACHE_TTL_MS: z.coerce.number().int().positive().default(60_000),
  /** Products per page of `GET /api/catalog/products`. */
  CATALOG_PAGE_SIZE: z.coerce.number().int().min(1).max(100).default(20),
});

/** Parsed catalog config. */
export type CatalogConfig = z.infer<typeof catalogConfigSchema>;
