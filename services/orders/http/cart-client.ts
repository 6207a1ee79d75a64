/**
 * Client of the cart service's internal API (the contract with cart):
 * `GET /internal/carts/:userId` → `{ items: [{ sku, name, quantity, unitPrice }], total }` and
 * `DELETE /internal/carts/:userId` once the order is placed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { moneySchema, type AppError, type Logger } from '../../kit/index.ts';
import type { CartLine } from '../domain/checkout.ts';
import { orderErrors } from './errors.ts';

const CART_ATTEMPTS = 3;
const RETRY_BACKOFF_MS = 100;

/** A failure worth another attempt, carrying the problem to answer if none succeeds. */
class Retryable extends Error {
  constructor(readonly problem: AppError) {
    super(problem.message);
  }
}

const cartSchema = z.object({
  items: z.array(
    z.object({
      sku: z.string().min(1).max(64),
      name: z.string().min(1).max(300),
      quantity: z.number().int().positive().max(10_000),
      unitPrice: moneySchema.extend({ amount: z.number().int().min(0) }),
      /** Cart marks lines whose product is no longer sold. */
      available: z.boolean().optional(),
    }),
  ),
});

/** What orders needs from the cart service. */
export interface CartClient {
  /** The user's cart lines; empty when the user has no cart. */
  get(userId: string): Promise<CartLine[]>;
  /** Empties the cart after checkout (best effort: a failure is logged). */
  clear(userId: string): Promise<void>;
}

/** A cart client over HTTP. */
export function httpCartClient(baseUrl: string, timeoutMs: number, log: Logger): CartClient {
  const url = (userId: string) => new URL(`/internal/carts/${encodeURIComponent(userId)}`, baseUrl);
  const readOnce = async (userId: string): Promise<CartLine[]> => {
    let res: Response;
    try {
      res = await fetch(url(userId), { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'cart service unreachable');
      throw new Retryable(orderErrors.cart_unavailable('the cart service could not be reached'));
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return [];
    }
    if (!res.ok) {
      await res.body?.cancel();
      log.warn({ status: res.status }, 'cart service answered with an error');
      const problem = orderErrors.cart_unavailable(`the cart service answered ${res.status}`);
      throw res.status >= 500 ? new Retryable(problem) : problem;
    }
    const parsed = cartSchema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) {
      log.error({ issues: parsed.error.issues.length }, 'cart service answered an unexpected document');
      throw orderErrors.cart_unavailable('the cart service answered an unexpected document');
    }
    if (parsed.data.items.some((i) => i.available === false)) throw orderErrors.cart_not_orderable('the cart holds products that are no longer sold');
    return parsed.data.items.map(({ sku, name, quantity, unitPrice }) => ({ sku, name, quantity, unitPrice }));
  };
  return {
    async get(userId) {
      // A cart read is safe to repeat: a brief 5xx or a slow answer is retried before giving up.
      for (let attempt = 1; ; attempt++) {
        try {
          return await readOnce(userId);
        } catch (err) {
          if (attempt >= CART_ATTEMPTS || !(err instanceof Retryable)) throw err instanceof Retryable ? err.problem : err;
          await sleep(RETRY_BACKOFF_MS * attempt);
        }
      }
    },
    async clear(userId) {
      try {
        const res = await fetch(url(userId), { method: 'DELETE', signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok && res.status !== 404) log.warn({ status: res.status }, 'cart not cleared after checkout');
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'cart not cleared after checkout');
      }
    },
  };
}
