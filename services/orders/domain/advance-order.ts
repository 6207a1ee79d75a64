/**
 * Applies a saga fact to one stored order inside the caller's transaction: locks the row, asks
 * {@link decide}, writes the transitions and history, and publishes what each step means
 * (`order.confirmed`, `order.invoiced` with its number, `order.cancelled` with the reason).
 * Called by the event handlers, the timeout sweeper and the cancel route alike.
 */
import type { EventData, EventType, NewEvent, Queryable, catalog } from '../../kit/index.ts';
import { assignInvoiceNumber, lockOrder, recordTransitions, type OrderRecord } from '../data/orders-repo.ts';
import { invoiceNumber } from './checkout.ts';
import type { OrderStatus } from './order-status.ts';
import { deadlineFor, decide, type SagaDecision, type SagaFact } from './saga.ts';

/** Publishes an event in the same transaction (outbox). */
export type Publish = <T extends EventType>(event: NewEvent<typeof catalog, T>) => Promise<unknown>;

/** Saga timeouts. */
export interface SagaTimeouts {
  readonly reservationMs: number;
  readonly paymentMs: number;
}

/** What happened. */
export interface AdvanceResult {
  /** Undefined when the order is not ours (an event from another deployment, or a test's). */
  readonly order: OrderRecord | undefined;
  readonly decision: SagaDecision | undefined;
  /** Status after the step. */
  readonly status: OrderStatus | undefined;
}

/** Applies `fact` to order `orderId`. Throws IllegalTransitionError only for `cancel_requested`. */
export async function advanceOrder(tx: Queryable, publish: Publish, orderId: string, fact: SagaFact, cause: string, timeouts: SagaTimeouts): Promise<AdvanceResult> {
  const order = await lockOrder(tx, orderId);
  if (!order) return { order: undefined, decision: undefined, status: undefined };
  const decision = decide(order.status, fact);
  if (!decision.apply) return { order, decision, status: order.status };
  const last = decision.transitions[decision.transitions.length - 1];
  const status = last?.to ?? order.status;
  await recordTransitions(tx, order.id, decision.transitions, cause, deadlineFor(status, timeouts));
  for (const t of decision.transitions) {
    if (t.to === 'confirmed') {
      await publish({ type: 'order.confirmed', data: { orderId: order.id, customerId: order.customerId, total: order.total } });
    } else if (t.to === 'invoiced') {
      const number = await assignInvoiceNumber(tx, order.id, (seq) => invoiceNumber(seq, new Date()));
      await publish({
        type: 'order.invoiced',
        data: {
          orderId: order.id,
          invoiceId: number,
          customerId: order.customerId,
          items: order.items.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })),
          total: order.total,
          shippingAddress: order.shippingAddress as EventData<'order.invoiced'>['shippingAddress'],
        },
      });
    } else if (t.to === 'cancelled') {
      await publish({ type: 'order.cancelled', data: { orderId: order.id, customerId: order.customerId, reason: t.reason ?? 'cancelled' } });
    }
  }
  return { order, decision, status };
}
