/**
 * The checkout saga on the real engines (Kafka, PostgreSQL, Redis) with orders, inventory,
 * payments and cart as separate processes (issue 4's "must show"):
 * - 1,000 concurrent orders for a SKU with 100 units → exactly 100 confirmed, 900 cancelled,
 *   stock never below zero, one authorization per confirmed order and none for the others;
 * - a decline and a payment timeout each compensate (the reserved stock returns);
 * - Idempotency-Key replay → the same order; another body with the same key → 409;
 * - bad input → 400/401/404/409/413/415 problem+json, never 500.
 */
import assert from 'node:assert/strict';
import { startCheckoutStack, type CheckoutStack } from './harness.ts';
import { ADDRESS, fillCart, orderStatus, placeOrder, placeOrderRetrying, pool, stockOf, stockSku, waitFor } from './api.ts';

const ORDERS = 1_000;
const UNITS = 100;
// Long enough that no approved order of the burst times out on a busy machine; the timeout order
// is placed before the burst, so this wait overlaps it.
const PAYMENT_TIMEOUT_MS = 30_000;

describe('checkout saga across processes on Kafka + PostgreSQL + Redis', function () {
  this.timeout(180_000);
  let stack: CheckoutStack;
  const hot = () => `HOT-${stack.runId}`;
  const calm = () => `CALM-${stack.runId}`;
  let timeoutOrderId = '';

  before(async () => {
    stack = await startCheckoutStack({ paymentTimeoutMs: PAYMENT_TIMEOUT_MS, providerTimeoutMs: 1_000 });
    await stockSku(stack, hot(), UNITS);
    await stockSku(stack, calm(), 50);
  });
  after(async () => {
    await stack?.stop();
  });

  const userToken = (name: string) => stack.issuer.token(`${name}-${stack.runId}`);

  it('1,000 concurrent orders for 100 units: exactly 100 confirmed, 900 cancelled, never oversold, one authorization each', async () => {
    // The payment-timeout order starts first so that its wait overlaps this test (checked below).
    const slow = await userToken('timeout');
    await fillCart(stack, slow, calm(), 2);
    const t = await placeOrder(stack, slow, 'timeout-1', 'tok_timeout');
    assert.equal(t.status, 201);
    timeoutOrderId = t.body.id;

    const tokens = await Promise.all(Array.from({ length: ORDERS }, (_, i) => userToken(`buyer${i}`)));
    await pool(tokens, 50, (tk) => fillCart(stack, tk, hot(), 1));

    let minAvailable = Number.POSITIVE_INFINITY;
    const sampler = setInterval(() => {
      void stockOf(stack, hot())
        .then((s) => {
          minAvailable = Math.min(minAvailable, s.available);
        })
        .catch(() => undefined);
    }, 100);
    try {
      const placed = await Promise.all(tokens.map((tk, i) => placeOrderRetrying(stack, tk, `order-${i}`, 'tok_approve')));
      assert.deepEqual([...new Set(placed.map((p) => p.status))], [201], 'every order is accepted');
      const ids = placed.map((p) => p.body.id);
      assert.equal(new Set(ids).size, ORDERS);

      await waitFor(
        'every order to settle',
        async () => {
          const r = await stack.db.query<{ n: number }>(`select count(*)::int as n from orders.orders where id = any($1) and status in ('invoiced', 'cancelled')`, [ids]);
          return r.rows[0]?.n === ORDERS;
        },
        120_000,
        250,
      );
      const byStatus = await stack.db.query<{ status: string; reason: string | null; n: number }>(
        'select status, cancel_reason as reason, count(*)::int as n from orders.orders where id = any($1) group by 1, 2 order by 1',
        [ids],
      );
      assert.deepEqual(byStatus.rows, [
        { status: 'cancelled', reason: 'out_of_stock', n: ORDERS - UNITS },
        { status: 'invoiced', reason: null, n: UNITS },
      ]);
      // Every confirmed order went through confirmed (history), and has an invoice number.
      const confirmed = await stack.db.query<{ id: string }>(
        `select o.id from orders.orders o join orders.order_history h on h.order_id = o.id and h.to_status = 'confirmed' where o.id = any($1) and o.invoice_number is not null`,
        [ids],
      );
      assert.equal(confirmed.rowCount, UNITS);

      // Payments: one authorization per confirmed order, none for the others, no refunds.
      const auths = await stack.db.query<{ order_id: string }>('select order_id from payments.authorizations where order_id = any($1)', [ids]);
      assert.equal(auths.rowCount, UNITS);
      assert.deepEqual(new Set(auths.rows.map((a) => a.order_id)), new Set(confirmed.rows.map((c) => c.id)));
      const refunds = await stack.db.query<{ n: number }>('select count(*)::int as n from payments.refunds where order_id = any($1)', [ids]);
      assert.equal(refunds.rows[0]?.n, 0);

      // Inventory: sold out exactly, nothing held, never below zero.
      await waitFor('reservations to be committed', async () => (await stockOf(stack, hot())).reserved === 0, 30_000);
      assert.deepEqual(await stockOf(stack, hot()), { available: 0, reserved: 0 });
      assert.ok(minAvailable >= 0, `stock went to ${minAvailable}`);
      const res = await stack.db.query<{ status: string; n: number }>(
        'select status, count(*)::int as n from inventory.reservations where order_id = any($1) group by 1 order by 1',
        [ids],
      );
      assert.deepEqual(res.rows, [
        { status: 'committed', n: UNITS },
        { status: 'rejected', n: ORDERS - UNITS },
      ]);
      // The database itself refuses negative stock (the last line of defence).
      await assert.rejects(stack.db.query('update inventory.stock set available = -1 where sku = $1', [hot()]), /check constraint/);
    } finally {
      clearInterval(sampler);
    }
  });

  it('a payment that never answers cancels the order after the timeout and the stock returns', async () => {
    await waitFor('the payment timeout', async () => (await orderStatus(stack, timeoutOrderId))?.status === 'cancelled', PAYMENT_TIMEOUT_MS + 30_000);
    assert.equal((await orderStatus(stack, timeoutOrderId))?.cancel_reason, 'payment_timeout');
    await waitFor('stock to return', async () => {
      const s = await stockOf(stack, calm());
      return s.available === 50 && s.reserved === 0;
    });
    const r = await stack.db.query<{ status: string; reason: string }>('select status, reason from inventory.reservations where order_id = $1', [timeoutOrderId]);
    assert.deepEqual(r.rows[0], { status: 'released', reason: 'cancelled' });
    const p = await stack.db.query<{ status: string }>('select status from payments.payments where order_id = $1', [timeoutOrderId]);
    assert.equal(p.rows[0]?.status, 'voided');
    const auths = await stack.db.query('select 1 from payments.authorizations where order_id = $1', [timeoutOrderId]);
    assert.equal(auths.rowCount, 0);
  });

  it('a declined payment cancels the order and the reserved stock returns', async () => {
    const tk = await userToken('decline');
    await fillCart(stack, tk, calm(), 3);
    const placed = await placeOrder(stack, tk, 'decline-1', 'tok_decline');
    assert.equal(placed.status, 201);
    await waitFor('the decline', async () => (await orderStatus(stack, placed.body.id))?.status === 'cancelled');
    assert.equal((await orderStatus(stack, placed.body.id))?.cancel_reason, 'payment_declined');
    await waitFor('stock to return', async () => {
      const s = await stockOf(stack, calm());
      return s.available === 50 && s.reserved === 0;
    });
    const r = await stack.db.query<{ status: string }>('select status from inventory.reservations where order_id = $1', [placed.body.id]);
    assert.equal(r.rows[0]?.status, 'released');
    const res = await fetch(`${stack.urls.orders}/api/orders/${placed.body.id}`, { headers: { authorization: `Bearer ${tk}` } });
    const body = (await res.json()) as { status: string; history: { status: string }[] };
    assert.deepEqual(
      body.history.map((h) => h.status),
      ['placed', 'reserved', 'cancelled'],
    );
  });

  it('an Idempotency-Key replay returns the same order; another body with the same key is a 409', async () => {
    const tk = await userToken('idem');
    await fillCart(stack, tk, calm(), 1);
    const [a, b] = await Promise.all([placeOrder(stack, tk, 'idem-key', 'tok_approve'), placeOrder(stack, tk, 'idem-key', 'tok_approve')]);
    assert.deepEqual([a.status, b.status].sort(), [200, 201]);
    assert.equal(a.body.id, b.body.id);
    const later = await placeOrder(stack, tk, 'idem-key', 'tok_approve');
    assert.equal(later.status, 200);
    assert.equal(later.body.id, a.body.id);
    const other = await placeOrder(stack, tk, 'idem-key', 'tok_decline');
    assert.equal(other.status, 409);
    assert.equal(other.body.code, 'idempotency_key_reused');
    const count = await stack.db.query<{ n: number }>('select count(*)::int as n from orders.orders where customer_id = $1', [`idem-${stack.runId}`]);
    assert.equal(count.rows[0]?.n, 1);
  });

  it('answers bad input with problem+json (400/401/404/409/413/415), never 500', async () => {
    const tk = await userToken('bad');
    await fillCart(stack, tk, calm(), 1);
    const orders = `${stack.urls.orders}/api/orders`;
    const auth = { authorization: `Bearer ${tk}` };
    const json = { ...auth, 'content-type': 'application/json', 'idempotency-key': 'bad-1' };
    const good = { payment: { method: 'card', token: 'tok_approve' }, shippingAddress: ADDRESS };
    const cases: { name: string; url: string; init: RequestInit; status: number }[] = [
      { name: 'no bearer token', url: orders, init: { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'x' }, body: JSON.stringify(good) }, status: 401 },
      { name: 'no Idempotency-Key', url: orders, init: { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(good) }, status: 400 },
      { name: 'missing payment', url: orders, init: { method: 'POST', headers: json, body: JSON.stringify({ shippingAddress: ADDRESS }) }, status: 400 },
      { name: 'payment method not card', url: orders, init: { method: 'POST', headers: json, body: JSON.stringify({ ...good, payment: { method: 'cash', token: 't' } }) }, status: 400 },
      { name: 'token of the wrong type', url: orders, init: { method: 'POST', headers: json, body: JSON.stringify({ ...good, payment: { method: 'card', token: 42 } }) }, status: 400 },
      { name: 'address without city', url: orders, init: { method: 'POST', headers: json, body: JSON.stringify({ ...good, shippingAddress: { ...ADDRESS, city: undefined } }) }, status: 400 },
      { name: 'country not ISO', url: orders, init: { method: 'POST', headers: json, body: JSON.stringify({ ...good, shippingAddress: { ...ADDRESS, country: 'Brazil' } }) }, status: 400 },
      { name: 'malformed JSON', url: orders, init: { method: 'POST', headers: json, body: '{"payment": ' }, status: 400 },
      { name: 'wrong content type', url: orders, init: { method: 'POST', headers: { ...json, 'content-type': 'text/plain' }, body: 'hello' }, status: 415 },
      { name: 'oversized body', url: orders, init: { method: 'POST', headers: json, body: JSON.stringify({ ...good, pad: 'x'.repeat(200_000) }) }, status: 413 },
      { name: 'unknown order', url: `${orders}/00000000-0000-0000-0000-000000000000`, init: { headers: auth }, status: 404 },
      { name: 'bad page number', url: `${orders}?page=zero`, init: { headers: auth }, status: 400 },
      { name: 'unknown SKU stock', url: `${stack.urls.inventory}/api/inventory/stock/NOPE-${stack.runId}`, init: {}, status: 404 },
      {
        name: 'adjusting an unknown SKU',
        url: `${stack.urls.inventory}/api/inventory/stock/NOPE-${stack.runId}/adjustments`,
        init: { method: 'POST', headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ delta: 5 }) },
        status: 404,
      },
      {
        name: 'negative stock',
        url: `${stack.urls.inventory}/api/inventory/stock/${calm()}`,
        init: { method: 'PUT', headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ available: -1 }) },
        status: 400,
      },
      {
        name: 'stock as a string',
        url: `${stack.urls.inventory}/api/inventory/stock/${calm()}`,
        init: { method: 'PUT', headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ available: 'ten' }) },
        status: 400,
      },
      {
        name: 'setting stock without the admin role',
        url: `${stack.urls.inventory}/api/inventory/stock/${calm()}`,
        init: { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ available: 1 }) },
        status: 403,
      },
      { name: 'unknown payment', url: `${stack.urls.payments}/api/payments/nope`, init: { headers: { authorization: `Bearer ${stack.adminToken}` } }, status: 404 },
      { name: 'unknown SKU into the cart', url: `${stack.urls.cart}/api/cart/items/NOPE-${stack.runId}`, init: { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 1 }) }, status: 404 },
    ];
    for (const c of cases) {
      const res = await fetch(c.url, c.init);
      assert.equal(res.status, c.status, `${c.name}: ${res.status} ${await res.clone().text()}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, c.name);
      await res.body?.cancel();
    }
    // An empty cart is a conflict, not a server error.
    const empty = await placeOrder(stack, await userToken('empty'), 'empty-1', 'tok_approve');
    assert.equal(empty.status, 409);
    assert.equal(empty.body.code, 'cart_empty');
  });

  it('each service serves its OpenAPI document', async () => {
    for (const url of [stack.urls.orders, stack.urls.inventory, stack.urls.payments]) {
      const res = await fetch(`${url}/openapi.json`);
      assert.equal(res.status, 200, url);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      assert.equal(doc.openapi, '3.1.0');
      assert.ok(Object.keys(doc.paths).length > 0);
    }
  });
});
