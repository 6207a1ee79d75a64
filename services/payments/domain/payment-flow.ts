/**
 * Payments' part of the checkout saga, inside the caller's transaction (the inbox transaction of
 * the event being handled). The payment row is locked first, so an authorization in flight and a
 * cancellation of the same order run one after the other: either the cancellation comes first and
 * nothing is authorized, or it comes second and refunds.
 */
import type { Logger, NewEvent, Queryable, catalog, EventType } from '../../kit/index.ts';
import { insertAuthorization, insertRefund, lockPayment, setStatus } from '../data/payments-repo.ts';
import { ProviderTimeoutError, withDeadline, type PaymentProvider } from './provider.ts';

/** Publishes in the same transaction. */
export type Publish = <T extends EventType>(event: NewEvent<typeof catalog, T>) => Promise<unknown>;

/** What the flow needs. */
export interface FlowDeps {
  readonly provider: PaymentProvider;
  readonly timeoutMs: number;
  readonly log: Logger;
}

/** What {@link tryAuthorize} did. */
export type AuthorizeResult = 'waiting' | 'skipped' | 'authorized' | 'failed' | 'timed_out';

/** Authorizes once both order.placed and inventory.reserved were seen and nothing else happened. */
export async function tryAuthorize(tx: Queryable, publish: Publish, orderId: string, deps: FlowDeps): Promise<AuthorizeResult> {
  const p = await lockPayment(tx, orderId);
  if (!p || !p.placed || !p.reserved) return 'waiting';
  if (p.status !== 'pending' || !p.amount || !p.token) return 'skipped';
  const amount = p.amount;
  try {
    const outcome = await withDeadline('authorize', deps.timeoutMs, (signal) => deps.provider.authorize({ paymentId: p.paymentId, amount, token: p.token ?? '' }, signal));
    if (outcome.status === 'approved') {
      await insertAuthorization(tx, { orderId, paymentId: p.paymentId, reference: outcome.reference, amount });
      await setStatus(tx, orderId, 'authorized', null, outcome.reference);
      await publish({ type: 'payment.authorized', data: { orderId, paymentId: p.paymentId, amount } });
      return 'authorized';
    }
    await setStatus(tx, orderId, 'failed', outcome.reason);
    await publish({ type: 'payment.failed', data: { orderId, paymentId: p.paymentId, reason: outcome.reason } });
    return 'failed';
  } catch (err) {
    if (!(err instanceof ProviderTimeoutError)) throw err;
    // No answer is not a "no": publish nothing and let the orders saga time the order out; its
    // cancellation then voids whatever the provider may have done.
    await setStatus(tx, orderId, 'timed_out', 'provider_timeout');
    deps.log.warn({ orderId, paymentId: p.paymentId }, 'payment provider did not answer');
    return 'timed_out';
  }
}

/** What {@link compensate} did. */
export type CompensateResult = 'refunded' | 'voided' | 'cancelled' | 'nothing';

/** Undoes the payment of a cancelled order: refund an authorization, void an unanswered one. */
export async function compensate(tx: Queryable, publish: Publish, orderId: string, deps: FlowDeps): Promise<CompensateResult> {
  const p = await lockPayment(tx, orderId);
  if (!p) return 'nothing';
  if (p.status === 'pending') {
    await setStatus(tx, orderId, 'cancelled', 'order_cancelled');
    return 'cancelled';
  }
  if (p.status === 'timed_out') {
    await withDeadline('void', deps.timeoutMs, (signal) => deps.provider.void({ paymentId: p.paymentId }, signal));
    await setStatus(tx, orderId, 'voided', 'order_cancelled');
    return 'voided';
  }
  if (p.status === 'authorized' && p.amount && p.providerReference) {
    const amount = p.amount;
    const reference = p.providerReference;
    const refund = await withDeadline('refund', deps.timeoutMs, (signal) => deps.provider.refund({ paymentId: p.paymentId, reference, amount }, signal));
    await insertRefund(tx, { orderId, paymentId: p.paymentId, reference: refund.reference, amount });
    await setStatus(tx, orderId, 'refunded', 'order_cancelled');
    await publish({ type: 'payment.refunded', data: { orderId, paymentId: p.paymentId, amount } });
    return 'refunded';
  }
  return 'nothing';
}
