/**
 * Request and event context carried through async calls with AsyncLocalStorage, so that every log
 * line and every published event gets the correlation id without passing it by hand.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What travels with a request or a handled event. */
export interface RequestContext {
  /** Correlation id (taken from `X-Correlation-ID` / `ce_correlationid`, or made). */
  readonly correlationId: string;
  /** Id of the event being handled, if any: the causation of events published meanwhile. */
  readonly causationId?: string;
  /** W3C trace context, passed on unchanged when present. */
  readonly traceparent?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `ctx` as the current context. */
export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The current context, if any. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Accepts a caller's correlation id only if it is short and plain; anything else is replaced so
 * that a client cannot inject log content or huge headers.
 */
export function sanitizeCorrelationId(value: unknown): string {
  return typeof value === 'string' && CORRELATION_ID_PATTERN.test(value) ? value : randomUUID();
}
