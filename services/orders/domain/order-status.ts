/**
 * The order state machine (issue 4): placed → reserved → paid → confirmed → invoiced → shipped →
 * delivered, or cancelled with a reason from any state before shipped. Illegal moves throw.
 */

/** Every status an order can be in. */
export const ORDER_STATUSES = ['placed', 'reserved', 'paid', 'confirmed', 'invoiced', 'shipped', 'delivered', 'cancelled'] as const;
/** An order's status. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Why an order was cancelled. */
export type CancelReason =
  | 'out_of_stock'
  | 'unknown_sku'
  | 'payment_declined'
  | 'reservation_timeout'
  | 'payment_timeout'
  | 'reservation_expired'
  | 'customer_requested';

const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: ['reserved', 'cancelled'],
  reserved: ['paid', 'cancelled'],
  paid: ['confirmed', 'cancelled'],
  confirmed: ['invoiced', 'cancelled'],
  invoiced: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

/** Raised for a move the state machine does not allow. */
export class IllegalTransitionError extends Error {
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  constructor(from: OrderStatus, to: OrderStatus) {
    super(`an order cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
  }
}

/** True when `to` may follow `from`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** One recorded move. */
export interface Transition {
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  /** Set for cancellations. */
  readonly reason?: CancelReason;
}

/**
 * Checks a chain of moves starting at `from` and returns them; throws on the first illegal one.
 * @throws IllegalTransitionError
 */
export function planTransitions(from: OrderStatus, steps: readonly OrderStatus[], reason?: CancelReason): Transition[] {
  const out: Transition[] = [];
  let current = from;
  for (const to of steps) {
    if (!canTransition(current, to)) throw new IllegalTransitionError(current, to);
    out.push(to === 'cancelled' && reason ? { from: current, to, reason } : { from: current, to });
    current = to;
  }
  return out;
}

/** True for statuses after which nothing more happens. */
export function isFinal(status: OrderStatus): boolean {
  return NEXT[status].length === 0;
}

/** True while the customer (or an admin) may still cancel. */
export function isCancellable(status: OrderStatus): boolean {
  return canTransition(status, 'cancelled');
}
