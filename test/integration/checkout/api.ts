/**
 * Small HTTP helpers of the checkout suites and bench.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckoutStack } from './harness.ts';

/** A shipping address that passes validation. */
export const ADDRESS = { name: 'Ana Souza', line1: 'Rua Augusta, 100', city: 'São Paulo', state: 'SP', postalCode: '01304-000', country: 'BR' };

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Polls `check` until true or fails naming `what`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Sets a SKU's stock (admin) and makes it known to the stub catalog. */
export async function stockSku(stack: CheckoutStack, sku: string, available: number, price = 4990): Promise<void> {
  stack.products.set(sku, { name: `Product ${sku}`, price: { amount: price, currency: 'BRL' } });
  const res = await fetch(`${stack.urls.inventory}/api/inventory/stock/${sku}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ available }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`setting stock of ${sku}: ${res.status} ${await res.text()}`);
}

/**
 * Puts `quantity` of `sku` into the cart of the token's user (real cart service). A 503 (cart's
 * cache briefly unavailable on a busy shared machine) is retried a few times; anything else fails.
 */
export async function fillCart(stack: CheckoutStack, token: string, sku: string, quantity = 1): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${stack.urls.cart}/api/cart/items/${sku}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ quantity }),
    });
    if (res.status === 200) {
      await res.body?.cancel();
      return;
    }
    if (res.status !== 503 || attempt >= 5) throw new Error(`filling a cart: ${res.status} ${await res.text()}`);
    await res.body?.cancel();
    await sleep(200 * attempt);
  }
}

/** `POST /api/orders`. */
export async function placeOrder(stack: CheckoutStack, token: string, key: string, cardToken: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${stack.urls.orders}/api/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ payment: { method: 'card', token: cardToken }, shippingAddress: ADDRESS, ...extra }),
  });
  return { status: res.status, body: (await res.json()) as { id: string; status: string; code?: string } };
}

/**
 * `POST /api/orders` as a careful client does it: a 503 (a dependency briefly unavailable on a busy
 * machine) is retried with the same Idempotency-Key, which is what the key is for.
 */
export async function placeOrderRetrying(stack: CheckoutStack, token: string, key: string, cardToken: string) {
  for (let attempt = 1; ; attempt++) {
    const p = await placeOrder(stack, token, key, cardToken);
    if (p.status !== 503 || attempt >= 4) return p;
    await sleep(250 * attempt);
  }
}

/** Status of an order, straight from the orders schema. */
export async function orderStatus(stack: CheckoutStack, id: string): Promise<{ status: string; cancel_reason: string | null } | undefined> {
  const r = await stack.db.query<{ status: string; cancel_reason: string | null }>('select status, cancel_reason from orders.orders where id = $1', [id]);
  return r.rows[0];
}

/** Stock of a SKU, straight from the inventory schema. */
export async function stockOf(stack: CheckoutStack, sku: string): Promise<{ available: number; reserved: number }> {
  const r = await stack.db.query<{ available: number; reserved: number }>('select available, reserved from inventory.stock where sku = $1', [sku]);
  const row = r.rows[0];
  if (!row) throw new Error(`no stock row for ${sku}`);
  return row;
}
