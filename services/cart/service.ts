/**
 * The cart service: per-user carts in Redis with expiry and price snapshots. `create` builds it
 * without starting it. Orders reads carts through `GET /internal/carts/:userId`, or in process
 * through `readCart(svc.cache, userId)` / `svc.readCart(userId)`.
 */
import { createService, loadConfig, type Cache, type Service, type ServiceOptions } from '../kit/index.ts';
import { cartConfigSchema, type CartConfig } from './config.ts';
import { clearCart, readCart, type CartLimits, type CartView, type CatalogLookup } from './domain/cart.ts';
import { httpCatalogLookup } from './data/catalog-client.ts';
import { guardCache } from './data/guarded-cache.ts';
import { registerCartRoutes } from './http/routes.ts';
import { registerCartHandlers } from './messaging/handlers.ts';

export { readCart, clearCart, type CartView };

/** Options of {@link create}: the kit's, cart's config, and an optional in-process catalog lookup. */
export type CartOptions = Partial<Omit<ServiceOptions, 'config'>> & {
  readonly config?: CartConfig;
  /** Used instead of HTTP to CATALOG_URL (e.g. `npm start`: `(sku) => catalogSvc.catalog.get(sku)` mapped to null on 404). */
  readonly catalogLookup?: CatalogLookup;
};

/** The built service with the cart reads orders needs in process. */
export interface CartService extends Service {
  readonly cache: Cache;
  readCart(userId: string): Promise<CartView>;
  clearCart(userId: string): Promise<void>;
}

/** Builds cart (not started). Needs a token verifier (`auth` or JWKS_URL) and a catalog (lookup or CATALOG_URL). */
export async function create(options: CartOptions = {}): Promise<CartService> {
  const { catalogLookup, ...rest } = options;
  const config = rest.config ?? loadConfig(cartConfigSchema);
  let lookup = catalogLookup;
  if (!lookup) {
    if (!config.CATALOG_URL) throw new Error('cart needs CATALOG_URL (or a catalogLookup) to snapshot prices');
    lookup = httpCatalogLookup(config.CATALOG_URL, config.CATALOG_TIMEOUT_MS);
  }
  const svc = await createService({ name: config.SERVICE_NAME ?? 'cart', cache: true, auth: true, ...rest, config });
  const auth = svc.auth;
  if (!svc.cache || !auth) throw new Error('cart needs a cache and a token verifier');
  const cache = guardCache(svc.cache, config.CACHE_TIMEOUT_MS);
  const limits: CartLimits = { ttlMs: config.CART_TTL_MS, maxLines: config.CART_MAX_LINES };
  registerCartRoutes(svc.app, { cache, auth, lookup, limits, maxQuantity: config.CART_MAX_QUANTITY });
  await registerCartHandlers(svc, cache, limits);
  return Object.assign(svc, {
    cache,
    readCart: (userId: string) => readCart(cache, userId),
    clearCart: (userId: string) => clearCart(cache, userId),
  });
}
