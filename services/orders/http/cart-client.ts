/**
 * Client of the cart service's internal API (the contract with cart):
 * `GET /internal/carts/:userId` → `{ items: [{ sku, name, quantity, unitPrice }], total }` and
 * `DELETE /internal/carts/:userId` once the order is placed.
 */
import { z } from 'zod';
import { moneySchema, type Logger } from '../../kit/index.ts';
import type { CartLine } from '../domain/checkout.ts';
import { orderErrors } from './errors.ts';

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
  return {
    async get(userId) {
      let res: Response;
      try {
        res = await fetch(url(userId), { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'cart service unreachable');
        throw orderErrors.cart_unavailable('the cart service could not be reached');
      }
      if (res.status === 404) return [];
      if (!res.ok) {
        log.warn({ status: res.status }, 'cart service answered with an error');
        throw orderErrors.cart_unavailable(`the cart service answered ${res.status}`);
      }
      const parsed = cartSchema.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) {
        log.error({ issues: parsed.error.issues.length }, 'cart service answered an unexpected document');
        throw orderErrors.cart_unavailable('the cart service answered an unexpected document');
      }
      if (parsed.data.items.some((i) => i.available === false)) throw orderErrors.cart_not_orderable('the cart holds products that are no longer sold');
      return parsed.data.items.map(({ sku, name, quantity, unitPrice }) => ({ sku, name, quantity, unitPrice }));
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
