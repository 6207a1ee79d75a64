/**
 * Catalog's subscriptions: `stock.changed` updates the stock figure and invalidates; its own
 * `product.updated` invalidates too, so that every replica's cache forgets a product another
 * replica changed.
 */
import type { Service } from '../../kit/index.ts';
import type { ProductCatalog } from '../domain/catalog.ts';

/** Subscribes catalog's consumer group (named after the service). */
export async function registerCatalogHandlers(svc: Service, catalog: ProductCatalog): Promise<void> {
  await svc.events.subscribe(svc.name, {
    'stock.changed': async (event, ctx) => {
      const known = await catalog.applyStock(ctx.tx, event.data.sku, event.data.available);
      if (!known) ctx.log.debug({ sku: event.data.sku }, 'stock for a SKU the catalog does not have');
    },
    'product.updated': async (event, ctx) => {
      ctx.tx.onCommit(() => void catalog.invalidate(event.data.sku));
    },
  });
}
