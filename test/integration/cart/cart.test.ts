/**
 * Cart on the real Redis (and PostgreSQL for its inbox), with catalog over HTTP: price snapshots,
 * expiry refreshed on write, `product.updated` refreshing names and availability, and the contract
 * with orders (`GET`/`DELETE /internal/carts/:userId`, `readCart`).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCart } from '../../../services/cart/service.ts';
import { http, signUp, startStack, uniqueName, type Stack } from '../identity/stack.ts';

const WEEK_MS = 7 * 24 * 3600 * 1000;

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('cart (real Redis + PostgreSQL, catalog over HTTP)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let admin: string;
  let user: Awaited<ReturnType<typeof signUp>>;
  const adminEmail = `${uniqueName('admin')}@example.com`;
  const cartUrl = (path = '') => `${stack.urls.cart}/api/cart${path}`;
  const cartKey = (userId: string) => `${stack.names.cart}:cart:${userId}`;

  before(async () => {
    stack = await startStack({ cart: true, identityEnv: { ADMIN_EMAILS: adminEmail } });
    admin = (await signUp(stack.urls.identity, adminEmail)).accessToken;
    user = await signUp(stack.urls.identity);
  });
  after(() => stack?.stop());

  it('starts empty, in BRL', async () => {
    const res = await http('GET', cartUrl(), { token: user.accessToken });
    assert.deepEqual(res.body, { items: [], total: { amount: 0, currency: 'BRL' } });
  });

  it('adds lines with a price snapshot from catalog and keeps the cart for 7 days after each write', async () => {
    const first = await http('PUT', cartUrl('/items/CAFE-MG-500'), { token: user.accessToken, body: { quantity: 2 } });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.total, { amount: 9980, currency: 'BRL' });
    const ttl = await stack.redis.pttl(cartKey(user.id));
    assert.ok(ttl > WEEK_MS - 60_000 && ttl <= WEEK_MS, `TTL ${ttl}`);
    await stack.redis.pexpire(cartKey(user.id), 60_000);
    const second = await http('PUT', cartUrl('/items/PAO-QUEIJO-1KG'), { token: user.accessToken, body: { quantity: 1 } });
    assert.deepEqual(
      (second.body.items as { sku: string; quantity: number; unitPrice: unknown }[]).map((i) => [i.sku, i.quantity, i.unitPrice]),
      [
        ['CAFE-MG-500', 2, { amount: 4990, currency: 'BRL' }],
        ['PAO-QUEIJO-1KG', 1, { amount: 3290, currency: 'BRL' }],
      ],
    );
    assert.deepEqual(second.body.total, { amount: 2 * 4990 + 3290, currency: 'BRL' });
    assert.ok((await stack.redis.pttl(cartKey(user.id))) > WEEK_MS - 60_000, 'a write restarts the expiry');
    // Another user's cart is separate.
    const other = await signUp(stack.urls.identity);
    assert.deepEqual((await http('GET', cartUrl(), { token: other.accessToken })).body.items, []);
  });

  it('keeps the snapshot price when catalog reprices, and follows product.updated for name and availability', async () => {
    const put = await http('PUT', `${stack.urls.catalog}/api/catalog/products/CAFE-MG-500`, {
      token: admin,
      body: { name: 'Café do Sul de Minas (novo lote)', price: { amount: 9999, currency: 'BRL' }, active: false },
    });
    assert.equal(put.status, 200);
    await waitFor('the cart to see the update', async () => {
      const items = (await http('GET', cartUrl(), { token: user.accessToken })).body.items as { sku: string; available: boolean }[];
      return items.some((i) => i.sku === 'CAFE-MG-500' && !i.available);
    });
    const cart = await http('GET', cartUrl(), { token: user.accessToken });
    const line = (cart.body.items as { sku: string; name: string; unitPrice: { amount: number } }[]).find((i) => i.sku === 'CAFE-MG-500');
    assert.equal(line?.name, 'Café do Sul de Minas (novo lote)');
    assert.equal(line?.unitPrice.amount, 4990, 'the price the shopper saw');
    const again = await http('PUT', cartUrl('/items/CAFE-MG-500'), { token: user.accessToken, body: { quantity: 3 } });
    assert.equal(again.status, 409, 'a withdrawn product cannot be added');
    assert.equal(again.body.code, 'product_unavailable');
  });

  it('removes a line with DELETE (and a missing line is a no-op)', async () => {
    const res = await http('DELETE', cartUrl('/items/CAFE-MG-500'), { token: user.accessToken });
    assert.equal(res.status, 200);
    assert.deepEqual((res.body.items as { sku: string }[]).map((i) => i.sku), ['PAO-QUEIJO-1KG']);
    assert.equal((await http('DELETE', cartUrl('/items/CAFE-MG-500'), { token: user.accessToken })).status, 200);
  });

  it('gives orders the same cart through /internal and readCart, and empties it with DELETE', async () => {
    const mine = await http('GET', cartUrl(), { token: user.accessToken });
    const internal = await http('GET', `${stack.urls.cart}/internal/carts/${user.id}`);
    assert.deepEqual(internal.body, mine.body);
    assert.deepEqual(await readCart(stack.cart!.cache, user.id), mine.body);
    assert.deepEqual(await stack.cart!.readCart(user.id), mine.body);
    const cleared = await http('DELETE', `${stack.urls.cart}/internal/carts/${user.id}`);
    assert.equal(cleared.status, 204);
    assert.deepEqual((await http('GET', cartUrl(), { token: user.accessToken })).body, { items: [], total: { amount: 0, currency: 'BRL' } });
    assert.equal(await stack.redis.hexists(`${stack.names.cart}:sku-carts:PAO-QUEIJO-1KG`, user.id), 0, 'the SKU index forgets the cart');
  });

  it('forgets a cart when it expires', async () => {
    await http('PUT', cartUrl('/items/CANGA-PRAIA'), { token: user.accessToken, body: { quantity: 1 } });
    await stack.redis.pexpire(cartKey(user.id), 50);
    await sleep(120);
    assert.deepEqual((await http('GET', cartUrl(), { token: user.accessToken })).body.items, []);
  });
});
