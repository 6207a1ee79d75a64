/**
 * The checkout saga's decisions, as pure functions (docs/checkout-saga.md). Orders keeps the
 * saga's state; inventory and payments react to its events (choreography). Each fact that comes
 * back is turned into a chain of legal transitions, or ignored when it is stale for the order's
 * current status (a late answer after a timeout, a redelivered fact).
 */
import { planTransitions, type CancelReason, type OrderStatus, type Transition } from './order-status.ts';

/** Something the saga learns about an order. */
export type SagaFact =
  | { readonly kind: 'stock_reserved' }
  | { readonly kind: 'stock_rejected'; readonly unknownSku: boolean }
  | { readonly kind: 'reservation_expired' }
  | { readonly kind: 'payment_authorized' }
  | { readonly kind: 'payment_failed' }
  | { readonly kind: 'deadline_passed' }
  | { readonly kind: 'shipment_created' }
  | { readonly kind: 'shipment_delivered' }
  | { readonly kind: 'cancel_requested' };

/** What to do with a fact. */
export type SagaDecision =
  | { readonly apply: true; readonly transitions: readonly Transition[] }
  | { readonly apply: false; readonly why: string };

const ignore = (why: string): SagaDecision => ({ apply: false, why });
const move = (from: OrderStatus, steps: OrderStatus[], reason?: CancelReason): SagaDecision => ({
  apply: true,
  transitions: planTransitions(from, steps, reason),
});

/** Decides how `fact` moves an order that is in `status`. */
export function decide(status: OrderStatus, fact: SagaFact): SagaDecision {
  switch (fact.kind) {
    case 'stock_reserved':
      return status === 'placed' ? move(status, ['reserved']) : ignore(`reservation answer for a ${status} order`);
    case 'stock_rejected':
      return status === 'placed'
        ? move(status, ['cancelled'], fact.unknownSku ? 'unknown_sku' : 'out_of_stock')
        : ignore(`rejection for a ${status} order`);
    case 'reservation_expired':
      return ['placed', 'reserved', 'paid'].includes(status) ? move(status, ['cancelled'], 'reservation_expired') : ignore(`expiry for a ${status} order`);
    case 'payment_authorized':
      // An authorization implies the reservation: payments only authorizes after inventory.reserved,
      // but orders may read the payments topic before the inventory topic.
      if (status === 'placed') return move(status, ['reserved', 'paid', 'confirmed', 'invoiced']);
      if (status === 'reserved') return move(status, ['paid', 'confirmed', 'invoiced']);
      return ignore(`authorization for a ${status} order (payments refunds it when cancelled)`);
    case 'payment_failed':
      // Like an authorization, a payment answer implies the reservation (same topic race).
      if (status === 'placed') return move(status, ['reserved', 'cancelled'], 'payment_declined');
      if (status === 'reserved') return move(status, ['cancelled'], 'payment_declined');
      return ignore(`payment failure for a ${status} order`);
    case 'deadline_passed':
      if (status === 'placed') return move(status, ['cancelled'], 'reservation_timeout');
      if (status === 'reserved') return move(status, ['cancelled'], 'payment_timeout');
      return ignore(`deadline of a ${status} order`);
    case 'shipment_created':
      return status === 'invoiced' ? move(status, ['shipped']) : ignore(`shipment for a ${status} order`);
    case 'shipment_delivered':
      if (status === 'invoiced') return move(status, ['shipped', 'delivered']);
      if (status === 'shipped') return move(status, ['delivered']);
      return ignore(`delivery for a ${status} order`);
    case 'cancel_requested':
      // An illegal request is the caller's mistake: planTransitions throws and the route answers 409.
      return move(status, ['cancelled'], 'customer_requested');
  }
}

/** How long an order may stay in `status` before the saga gives up, or undefined when no deadline. */
export function deadlineFor(status: OrderStatus, timeouts: { readonly reservationMs: number; readonly paymentMs: number }): number | undefined {
  if (status === 'placed') return timeouts.reservationMs;
  if (status === 'reserved') return timeouts.paymentMs;
  return undefined;
}
