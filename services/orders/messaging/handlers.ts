/**
 * What orders does with the answers of the saga's participants (inventory, payments) and with the
 * shipping events. Every handler runs in the consumer's inbox transaction: the order's transition,
 * its history and the events it publishes commit together, exactly once per event.
 */
import type { HandlerContext, Handlers, Service, catalog } from '../../kit/index.ts';
import { advanceOrder, type SagaTimeouts } from '../domain/advance-order.ts';
import type { SagaFact } from '../domain/saga.ts';
import { recordShipment } from '../data/orders-repo.ts';
import type { OrdersMetrics } from './metrics.ts';

type Ctx = HandlerContext<typeof catalog>;

/** Registers the orders consumer group. */
export async function registerOrderHandlers(svc: Service, group: string, concurrency: number, timeouts: SagaTimeouts, metrics: OrdersMetrics): Promise<void> {
  const apply = async (ctx: Ctx, orderId: string, fact: SagaFact, cause: string) => {
    const result = await advanceOrder(ctx.tx, (e) => ctx.publish(e), orderId, fact, cause, timeouts);
    if (!result.order) {
      ctx.log.debug({ orderId }, 'event for an unknown order ignored');
    } else if (result.decision && !result.decision.apply) {
      ctx.log.info({ orderId, why: result.decision.why }, 'stale saga event ignored');
    } else if (result.status) {
      ctx.log.info({ orderId, status: result.status }, 'order advanced');
      const { order, status } = result;
      ctx.tx.onCommit(() => metrics.observe(order, status));
    }
    return result;
  };

  const handlers: Handlers<typeof catalog> = {
    'inventory.reserved': (e, ctx) => apply(ctx, e.data.orderId, { kind: 'stock_reserved' }, e.type).then(() => undefined),
    'inventory.rejected': (e, ctx) =>
      apply(ctx, e.data.orderId, { kind: 'stock_rejected', unknownSku: e.data.reason === 'unknown_sku' }, e.type).then(() => undefined),
    'inventory.released': async (e, ctx) => {
      // Releases caused by our own cancellation need nothing; an expiry cancels a pending order.
      if (e.data.reason === 'expired') await apply(ctx, e.data.orderId, { kind: 'reservation_expired' }, e.type);
    },
    'payment.authorized': (e, ctx) => apply(ctx, e.data.orderId, { kind: 'payment_authorized' }, e.type).then(() => undefined),
    'payment.failed': (e, ctx) => apply(ctx, e.data.orderId, { kind: 'payment_failed' }, e.type).then(() => undefined),
    'shipment.created': async (e, ctx) => {
      const r = await apply(ctx, e.data.orderId, { kind: 'shipment_created' }, e.type);
      if (r.order) await recordShipment(ctx.tx, e.data.orderId, e.data);
    },
    'shipment.checkpoint': async (e, ctx) => {
      // A checkpoint proves the parcel is moving even if shipment.created was not seen yet.
      const fact: SagaFact = e.data.status === 'delivered' ? { kind: 'shipment_delivered' } : { kind: 'shipment_created' };
      await apply(ctx, e.data.orderId, fact, e.type);
    },
    'shipment.delivered': (e, ctx) => apply(ctx, e.data.orderId, { kind: 'shipment_delivered' }, e.type).then(() => undefined),
  };
  await svc.events.subscribe(group, handlers, { concurrency });
}
