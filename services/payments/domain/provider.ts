/**
 * The payment provider port. A provider call carries the payment id as its idempotency key, so a
 * retried call (after a crash or a rolled-back transaction) gets the first call's answer instead
 * of charging twice — the way card processors' idempotency keys work.
 */

/** Money in integer minor units. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** An authorization request. */
export interface AuthorizeRequest {
  /** Idempotency key at the provider. */
  readonly paymentId: string;
  readonly amount: Money;
  /** The card token from checkout (never logged). */
  readonly token: string;
}

/** A provider's answer to an authorization. */
export type AuthorizeOutcome = { readonly status: 'approved'; readonly reference: string } | { readonly status: 'declined'; readonly reason: string };

/** A payment provider adapter. */
export interface PaymentProvider {
  readonly name: string;
  authorize(request: AuthorizeRequest, signal: AbortSignal): Promise<AuthorizeOutcome>;
  /** Refunds an authorization; returns the refund's reference. */
  refund(request: { readonly paymentId: string; readonly reference: string; readonly amount: Money }, signal: AbortSignal): Promise<{ readonly reference: string }>;
  /** Voids whatever an unanswered authorization may have done (a no-op when nothing was done). */
  void(request: { readonly paymentId: string }, signal: AbortSignal): Promise<void>;
}

/** The provider did not answer in time. */
export class ProviderTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(`payment provider did not answer ${operation} within ${ms} ms`);
    this.name = 'ProviderTimeoutError';
  }
}

/** Runs a provider call with a deadline; throws {@link ProviderTimeoutError} when it passes. */
export async function withDeadline<T>(operation: string, ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ProviderTimeoutError(operation, ms));
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
