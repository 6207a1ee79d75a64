/**
 * Cart's subscription: `product.updated` refreshes the name and availability of the lines that
 * hold the SKU. The effect is in the cache, not in the inbox's transaction, so a redelivery applies
 * it again — which is harmless, because applying the same update twice gives the same cart.
 */
import type { Cache, Service } from '../../kit/index.ts';
import { applyProductUpdate, type CartLimits } from '../domain/cart.ts';

/** Subscribes cart's consumer group (named after the service). */
export async function registerCartHandlers(svc: Service, cache: Cache, limits: CartLimits): Promise<void> {
  await svc.events.subscribe(svc.name, {
    'product.updated': async (event, ctx) => {
      const changed = await applyProductUpdate(cache, limits, event.data);
      if (changed > 0) ctx.log.info({ sku: event.data.sku, carts: changed }, 'carts refreshed after product update');
    },
  });
}
