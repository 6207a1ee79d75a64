/**
 * The catalog service: products and prices, cached in Redis, invalidated by events.
 * `create` builds it without starting it; `seedDemoCatalog` loads the demo products.
 */
import { createService, isAppError, loadConfig, type Service, type ServiceOptions } from '../kit/index.ts';
import type { Product } from './domain/product.ts';
import { catalogConfigSchema, type CatalogConfig } from './config.ts';
import { ProductCatalog } from './domain/catalog.ts';
import { DEMO_PRODUCTS, seedProducts } from './domain/seed.ts';
import { guardCache } from './data/guarded-cache.ts';
import { registerCatalogRoutes } from './http/routes.ts';
import { registerCatalogHandlers } from './messaging/handlers.ts';

export { DEMO_PRODUCTS };

/** Options of {@link create}: the kit's, with catalog's own config. */
export type CatalogOptions = Partial<Omit<ServiceOptions, 'config'>> & { readonly config?: CatalogConfig };

/** The built service and its rules (for in-process neighbours and the seed). */
export interface CatalogService extends Service {
  readonly catalog: ProductCatalog;
}

/**
 * Builds catalog (not started). Admin writes need `auth` (or JWKS_URL); without either, reads work
 * and writes answer 503.
 */
export async function create(options: CatalogOptions = {}): Promise<CatalogService> {
  const config = options.config ?? loadConfig(catalogConfigSchema);
  const svc = await createService({
    name: config.SERVICE_NAME ?? 'catalog',
    migrations: new URL('./data/migrations', import.meta.url),
    cache: true,
    ...(config.JWKS_URL ? { auth: true } : {}),
    ...options,
    config,
  });
  if (!svc.auth) svc.log.warn('no JWKS_URL and no auth given: admin writes are disabled');
  if (!svc.cache) throw new Error('catalog needs a cache');
  const cache = guardCache(svc.cache, config.CACHE_TIMEOUT_MS);
  const catalog = new ProductCatalog({
    db: svc.db,
    cache,
    log: svc.log,
    cacheTtlMs: config.CATALOG_CACHE_TTL_MS,
    pageSize: config.CATALOG_PAGE_SIZE,
    publishUpdated: (tx, data) => svc.events.publish(tx, { type: 'product.updated', data }),
  });
  registerCatalogRoutes(svc.app, catalog, svc.auth);
  await registerCatalogHandlers(svc, catalog);
  return Object.assign(svc, { catalog });
}

/** Loads the ~12 demo products (BRL) into a built catalog; existing SKUs are kept. Returns how many were new. */
export function seedDemoCatalog(svc: CatalogService): Promise<number> {
  return seedProducts(svc.catalog);
}

/**
 * A product lookup for in-process neighbours (cart under `npm start`): the product, or null for an
 * unknown SKU, without HTTP.
 */
export function productLookup(svc: CatalogService): (sku: string) => Promise<Product | null> {
  return async (sku) => {
    try {
      return await svc.catalog.get(sku);
    } catch (err) {
      if (isAppError(err) && err.status === 404) return null;
      throw err;
    }
  };
}
