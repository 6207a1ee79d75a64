/**
 * The orders service's error catalogue (problem+json through the kit's error middleware).
 */
import { defineErrors } from '../../kit/index.ts';

/** Errors the orders routes raise. */
export const orderErrors = defineErrors({
  order_not_found: { status: 404, title: 'Order not found' },
  idempotency_key_reused: { status: 409, title: 'Idempotency-Key already used for a different request' },
  cart_empty: { status: 409, title: 'The cart is empty' },
  cart_not_orderable: { status: 409, title: 'The cart cannot become an order' },
  order_not_cancellable: { status: 409, title: 'The order can no longer be cancelled' },
  cart_unavailable: { status: 503, title: 'The cart service did not answer' },
});
