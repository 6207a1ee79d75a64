/**
 * The checkout saga in one process (PGlite per service, the in-process bus): confirmation with an
 * invoice, a decline and a provider timeout that both give the stock back, a refund after a
 * customer's cancellation, Idempotency-Key replays, and bad input as problem+json.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStack, type Stack } from './stack.ts';

const address = { name: 'Ana', line1: 'Rua A, 1', city: 'São Paulo', postalCode: '01000-000', country: 'BR' };

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('checkout saga in process (embedded engines)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let admin: string;
  let n = 0;

  before(async () => {
    stack = await startStack({ paymentMs: 3_000, providerMs: 200 });
    admin = await stack.issuer.token('admin-1', ['admin']);
    const res = await fetch(`${stack.urls.inventory}/api/inventory/stock/SKU-A`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ available: 10 }),
    });
    assert.equal(res.status, 201);
  });
  after(async () => {
    await stack?.stop();
  });

  async function checkout(token: string, opts: { key?: string; user: string; qty?: number; sku?: string }) {
    stack.carts.set(opts.user, [{ sku: opts.sku ?? 'SKU-A', name: 'Thing', quantity: opts.qty ?? 1, unitPrice: { amount: 1990, currency: 'BRL' } }]);
    const res = await fetch(`${stack.urls.orders}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.issuer.token(opts.user)}`, 'content-type': 'application/json', 'idempotency-key': opts.key ?? `k-${++n}` },
      body: JSON.stringify({ payment: { method: 'card', token }, shippingAddress: address }),
    });
    return { status: res.status, body: (await res.json()) as { id: string; status: string } };
  }

  async function order(id: string, user: string) {
    const res = await fetch(`${stack.urls.orders}/api/orders/${id}`, { headers: { authorization: `Bearer ${await stack.issuer.token(user)}` } });
    return (await res.json()) as { status: string; cancelReason?: string; invoiceNumber?: string; history: { status: string }[]; total: { amount: number } };
  }

  async function stock(sku = 'SKU-A') {
    return ((await (await fetch(`${stack.urls.inventory}/api/inventory/stock/${sku}`)).json()) as { available: number; reserved: number });
  }

  const settled = async (id: string, user: string, statuses: string[]) => {
    await waitFor(`order ${id} in ${statuses.join('/')}`, async () => statuses.includes((await order(id, user)).status));
    return order(id, user);
  };

  it('confirms and invoices an approved order, and commits the stock', async () => {
    const placed = await checkout('tok_approve', { user: 'u-ok', qty: 2 });
    assert.equal(placed.status, 201);
    const o = await settled(placed.body.id, 'u-ok', ['invoiced']);
    assert.deepEqual(
      o.history.map((h) => h.status),
      ['placed', 'reserved', 'paid', 'confirmed', 'invoiced'],
    );
    assert.match(o.invoiceNumber ?? '', /^INV-\d{4}-\d{8}$/);
    assert.equal(o.total.amount, 3980);
    await waitFor('the reservation to be committed', async () => (await stock()).reserved === 0);
    assert.equal((await stock()).available, 8);
    assert.equal(stack.carts.has('u-ok'), false, 'the cart is cleared after checkout');
  });

  it('a decline cancels the order and the reserved stock returns', async () => {
    const before = (await stock()).available;
    const placed = await checkout('tok_decline', { user: 'u-decline' });
    const o = await settled(placed.body.id, 'u-decline', ['cancelled']);
    assert.equal(o.cancelReason, 'payment_declined');
    await waitFor('stock to return', async () => (await stock()).available === before && (await stock()).reserved === 0);
  });

  it('a payment that never answers cancels the order after the timeout and the stock returns', async () => {
    const before = (await stock()).available;
    const placed = await checkout('tok_timeout', { user: 'u-timeout' });
    const o = await settled(placed.body.id, 'u-timeout', ['cancelled']);
    assert.equal(o.cancelReason, 'payment_timeout');
    await waitFor('stock to return', async () => (await stock()).available === before && (await stock()).reserved === 0);
    const pay = await fetch(`${stack.urls.payments}/api/payments/${placed.body.id}`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(((await pay.json()) as { status: string }).status, 'voided');
  });

  it('a cancellation after confirmation refunds and restocks', async () => {
    const before = (await stock()).available;
    const placed = await checkout('tok_approve', { user: 'u-refund' });
    await settled(placed.body.id, 'u-refund', ['invoiced']);
    const res = await fetch(`${stack.urls.orders}/api/orders/${placed.body.id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.issuer.token('u-refund')}` },
    });
    assert.equal(res.status, 200);
    await waitFor('the refund', async () => {
      const pay = await fetch(`${stack.urls.payments}/api/payments/${placed.body.id}`, { headers: { authorization: `Bearer ${admin}` } });
      return ((await pay.json()) as { status: string }).status === 'refunded';
    });
    await waitFor('stock to return', async () => (await stock()).available === before);
    const again = await fetch(`${stack.urls.orders}/api/orders/${placed.body.id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.issuer.token('u-refund')}` },
    });
    assert.equal(again.status, 409);
  });

  it('an expired reservation is released and cancels the pending order', async () => {
    const before = (await stock()).available;
    const placed = await checkout('tok_timeout', { user: 'u-expire' });
    const id = placed.body.id;
    await waitFor('the reservation', async () => (await stack.inventory.db.query(`select 1 from reservations where order_id = $1 and status = 'active'`, [id])).rowCount === 1);
    await stack.inventory.db.query(`update reservations set expires_at = now() - interval '1 second' where order_id = $1`, [id]);
    assert.equal(await stack.inventory.sweeper.sweepOnce(), 1);
    const o = await settled(id, 'u-expire', ['cancelled']);
    assert.equal(o.cancelReason, 'reservation_expired');
    await waitFor('stock to return', async () => (await stock()).available === before && (await stock()).reserved === 0);
    const r = await stack.inventory.db.query<{ status: string; reason: string }>('select status, reason from reservations where order_id = $1', [id]);
    assert.deepEqual(r.rows[0], { status: 'released', reason: 'expired' });
  });

  it('moves an invoiced order to shipped and delivered on the shipping events, with a tracking link', async () => {
    const placed = await checkout('tok_approve', { user: 'u-ship' });
    const id = placed.body.id;
    await settled(id, 'u-ship', ['invoiced']);
    const shipmentId = `shp-${id}`;
    // Stand in for the shipping service: its events on the shared in-process bus.
    await stack.orders.db.tx(async (tx) => {
      await stack.orders.events.publish(tx, { type: 'shipment.created', data: { shipmentId, orderId: id, customerId: 'u-ship', carrier: 'correios', trackingCode: 'BR123' } });
    });
    const shipped = await settled(id, 'u-ship', ['shipped']);
    // Without a signed link from shipping, the template; with one, shipping's.
    assert.equal((shipped as { trackingUrl?: string }).trackingUrl, 'https://rastreio.example/?carrier=correios&code=BR123');
    stack.trackingLinks.set(id, 'https://rastreio.example/?h=signed-token');
    assert.equal(((await order(id, 'u-ship')) as { trackingUrl?: string }).trackingUrl, 'https://rastreio.example/?h=signed-token');
    await stack.orders.db.tx(async (tx) => {
      await stack.orders.events.publish(tx, { type: 'shipment.delivered', data: { shipmentId, orderId: id, customerId: 'u-ship', deliveredAt: new Date().toISOString() } });
    });
    const delivered = await settled(id, 'u-ship', ['delivered']);
    assert.deepEqual(delivered.history.map((h) => h.status).slice(-2), ['shipped', 'delivered']);
    const cancel = await fetch(`${stack.urls.orders}/api/orders/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${await stack.issuer.token('u-ship')}` } });
    assert.equal(cancel.status, 409, 'a delivered order cannot be cancelled');
  });

  it('rejects an order for an unknown SKU through the saga', async () => {
    const placed = await checkout('tok_approve', { user: 'u-ghost', sku: 'NO-SUCH-SKU' });
    const o = await settled(placed.body.id, 'u-ghost', ['cancelled']);
    assert.equal(o.cancelReason, 'unknown_sku');
  });

  it('replays the same key and body as the same order, and refuses another body (409)', async () => {
    const first = await checkout('tok_approve', { user: 'u-idem', key: 'idem-1' });
    const second = await checkout('tok_approve', { user: 'u-idem', key: 'idem-1' });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(second.body.id, first.body.id);
    const other = await checkout('tok_decline', { user: 'u-idem', key: 'idem-1' });
    assert.equal(other.status, 409);
    // The key is scoped per customer.
    const someoneElse = await checkout('tok_approve', { user: 'u-idem-2', key: 'idem-1' });
    assert.equal(someoneElse.status, 201);
    assert.notEqual(someoneElse.body.id, first.body.id);
    // Once the key is older than IDEMPOTENCY_KEY_TTL_MS it is forgotten and may be used again.
    await stack.orders.db.query(`update idempotency_keys set created_at = now() - interval '2 days' where customer_id = 'u-idem'`);
    assert.equal(await stack.orders.sweeper.forgetOldKeys(true), 1);
    const reused = await checkout('tok_decline', { user: 'u-idem', key: 'idem-1' });
    assert.equal(reused.status, 201);
    assert.notEqual(reused.body.id, first.body.id);
  });

  it('shows orders to their owner and admins only', async () => {
    const placed = await checkout('tok_approve', { user: 'u-owner' });
    const stranger = await fetch(`${stack.urls.orders}/api/orders/${placed.body.id}`, { headers: { authorization: `Bearer ${await stack.issuer.token('u-other')}` } });
    assert.equal(stranger.status, 404);
    const asAdmin = await fetch(`${stack.urls.orders}/api/orders/${placed.body.id}`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(asAdmin.status, 200);
    const list = await fetch(`${stack.urls.orders}/api/orders`, { headers: { authorization: `Bearer ${await stack.issuer.token('u-owner')}` } });
    const body = (await list.json()) as { items: { id: string }[]; total: number };
    assert.deepEqual(body.items.map((i) => i.id), [placed.body.id]);
  });

  it('counts the saga outcomes in each service\'s metrics', async () => {
    const text = async (url: string) => (await fetch(`${url}/metrics`)).text();
    // Every series also carries the service's default label, in whatever order prom-client prints.
    const series = (name: string, label: string, value: string) => new RegExp(`${name}\\{[^}]*${label}[^}]*\\} ${value}`);
    assert.match(await text(stack.urls.orders), series('orders_checkout_duration_seconds_count', 'outcome="confirmed"', '[1-9]'));
    assert.match(await text(stack.urls.orders), series('orders_placed_total', '', '[1-9]'));
    assert.match(await text(stack.urls.inventory), series('inventory_reservations_total', 'outcome="reserved"', '[1-9]'));
    assert.match(await text(stack.urls.inventory), series('inventory_reservations_total', 'outcome="expired"', '1'));
    assert.match(await text(stack.urls.payments), series('payments_total', 'outcome="authorized"', '[1-9]'));
    assert.match(await text(stack.urls.payments), series('payments_total', 'outcome="refunded"', '1'));
  });
});
