/**
 * What payments does with the saga's events: remember the amount and card token of
 * `order.placed`, authorize once `inventory.reserved` says the stock is held, refund or void on
 * `order.cancelled`. A provider timeout of a refund or void throws, so the event is retried.
 */
import type { Handlers, Service, catalog } from '../../kit/index.ts';
import { ensurePayment, recordPlaced, recordReserved } from '../data/payments-repo.ts';
import { compensate, tryAuthorize, type FlowDeps } from '../domain/payment-flow.ts';
import type { PaymentsMetrics } from './metrics.ts';

/** Registers the payments consumer group. */
export async function registerPaymentHandlers(svc: Service, group: string, concurrency: number, deps: FlowDeps, count: PaymentsMetrics): Promise<void> {
  const counted = (tx: { onCommit(fn: () => void): void }, outcome: string) => {
    if (outcome !== 'waiting' && outcome !== 'skipped' && outcome !== 'nothing') tx.onCommit(() => count(outcome));
  };
  const handlers: Handlers<typeof catalog> = {
    'order.placed': async (e, ctx) => {
      const { orderId, customerId, total, payment } = e.data;
      await recordPlaced(ctx.tx, { orderId, customerId, amount: total, token: payment.token });
      const r = await tryAuthorize(ctx.tx, (x) => ctx.publish(x), orderId, { ...deps, log: ctx.log });
      if (r !== 'waiting') ctx.log.info({ orderId, result: r }, 'payment step');
      counted(ctx.tx, r);
    },
    'inventory.reserved': async (e, ctx) => {
      await recordReserved(ctx.tx, e.data.orderId);
      const r = await tryAuthorize(ctx.tx, (x) => ctx.publish(x), e.data.orderId, { ...deps, log: ctx.log });
      ctx.log.info({ orderId: e.data.orderId, result: r }, 'payment step');
      counted(ctx.tx, r);
    },
    'order.cancelled': async (e, ctx) => {
      await ensurePayment(ctx.tx, e.data.orderId);
      const r = await compensate(ctx.tx, (x) => ctx.publish(x), e.data.orderId, { ...deps, log: ctx.log });
      if (r !== 'nothing') ctx.log.info({ orderId: e.data.orderId, result: r }, 'payment compensated');
      counted(ctx.tx, r);
    },
  };
  await svc.events.subscribe(group, handlers, { concurrency });
}
