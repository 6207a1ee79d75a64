/**
 * Inventory's part of the checkout saga: reserve on `order.placed` (all lines or none), make the
 * sale final on `order.confirmed`, give the stock back on `order.cancelled`. Effects and the
 * events they cause commit with the inbox record: a redelivered event changes nothing.
 */
import type { HandlerContext, Handlers, Service, catalog } from '../../kit/index.ts';
import { commitReservation, releaseReservation, reserveAll, type StockLevel } from '../data/stock-repo.ts';
import type { InventoryMetrics } from './metrics.ts';

type Ctx = HandlerContext<typeof catalog>;

/** Publishes `stock.changed` for each level. */
export async function publishLevels(publish: Ctx['publish'], levels: readonly StockLevel[]): Promise<void> {
  for (const l of levels) await publish({ type: 'stock.changed', data: { sku: l.sku, available: l.available } });
}

/** Registers the inventory consumer group. */
export async function registerInventoryHandlers(svc: Service, group: string, concurrency: number, ttlMs: number, count: InventoryMetrics): Promise<void> {
  const handlers: Handlers<typeof catalog> = {
    'order.placed': async (e, ctx) => {
      const { orderId, items } = e.data;
      const result = await reserveAll(ctx.tx, orderId, items, ttlMs);
      if (result.kind === 'duplicate') {
        ctx.log.info({ orderId }, 'order already handled');
      } else if (result.kind === 'rejected') {
        await ctx.publish({ type: 'inventory.rejected', data: { orderId, reason: result.reason, shortages: [...result.shortages] } });
        ctx.log.info({ orderId, reason: result.reason }, 'reservation rejected');
        ctx.tx.onCommit(() => count('rejected'));
      } else {
        await ctx.publish({
          type: 'inventory.reserved',
          data: { orderId, reservationId: result.reservationId, items: [...result.lines], expiresAt: result.expiresAt },
        });
        await publishLevels(ctx.publish, result.levels);
        ctx.log.info({ orderId, reservationId: result.reservationId }, 'stock reserved');
        ctx.tx.onCommit(() => count('reserved'));
      }
    },
    'order.confirmed': async (e, ctx) => {
      if (await commitReservation(ctx.tx, e.data.orderId)) {
        ctx.log.info({ orderId: e.data.orderId }, 'reservation committed');
        ctx.tx.onCommit(() => count('committed'));
      }
    },
    'order.cancelled': async (e, ctx) => {
      const released = await releaseReservation(ctx.tx, e.data.orderId, 'cancelled');
      if (!released) return;
      await ctx.publish({ type: 'inventory.released', data: { orderId: e.data.orderId, reservationId: released.reservationId, reason: 'cancelled' } });
      await publishLevels(ctx.publish, released.levels);
      ctx.log.info({ orderId: e.data.orderId }, 'stock released');
      ctx.tx.onCommit(() => count('released'));
    },
  };
  await svc.events.subscribe(group, handlers, { concurrency });
}
