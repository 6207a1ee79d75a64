/**
 * Shipping on PostgreSQL and Redis (in-process bus): the second way in — order number plus e-mail
 * or postcode — finds the parcel, a wrong contact and an unknown order look alike, and the lookup is
 * rate-limited in Redis; the no-JavaScript form redirects to the page; the stylesheet is cacheable.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseConfig, type Service } from '../../../services/kit/index.ts';
import { create } from '../../../services/shipping/service.ts';
import { shippingConfigSchema } from '../../../services/shipping/config.ts';
import { databaseUrl, redisUrl } from '../../support/engines.ts';
import { waitFor } from './harness.ts';

describe('shipping: lookup by order number and contact, rate-limited (PostgreSQL, Redis)', function () {
  this.timeout(60_000);
  let svc: Service;
  let base = '';
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  const orderId = `ord-${suffix}`;
  const customerId = `cust-${suffix}`;

  const lookup = (body: unknown, ip: string) =>
    fetch(`${base}/api/tracking/lookup`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify(body) });

  before(async () => {
    svc = await create({
      name: `shipping-${suffix}`,
      config: parseConfig(shippingConfigSchema, {
        DATABASE_URL: databaseUrl(),
        REDIS_URL: redisUrl(),
        LOG_LEVEL: 'fatal',
        OUTBOX_POLL_MS: '50',
        TRACKING_DOMAIN: 'vitrine.test',
        TRACKING_KEYS: `t1:${randomBytes(32).toString('base64url')}`,
        LOOKUP_PEPPER: randomBytes(32).toString('hex'),
        LOOKUP_LIMIT: '3',
      }),
    });
    base = `http://127.0.0.1:${(await svc.start({ port: 0, handleSignals: false })).port}`;
    await svc.db.tx(async (tx) => {
      await svc.events.publish(tx, { type: 'user.registered', data: { userId: customerId, email: `Cliente.${suffix}@Example.com`, name: 'Cliente' } });
      await svc.events.publish(tx, {
        type: 'order.invoiced',
        data: {
          orderId,
          invoiceId: 'inv-1',
          customerId,
          items: [{ sku: 'SKU-1', quantity: 1, unitPrice: { amount: 1000, currency: 'BRL' } }],
          total: { amount: 1000, currency: 'BRL' },
          shippingAddress: { name: 'Cliente', line1: 'Rua A, 1', city: 'Campinas', postalCode: '13010-000', country: 'BR' },
        },
      });
      await svc.events.publish(tx, {
        type: 'order.invoiced',
        data: {
          orderId: `form-${suffix}`,
          invoiceId: 'inv-2',
          customerId,
          items: [{ sku: 'SKU-2', quantity: 1, unitPrice: { amount: 500, currency: 'BRL' } }],
          total: { amount: 500, currency: 'BRL' },
          shippingAddress: { name: 'Cliente', line1: 'Rua B, 2', city: 'Campinas', postalCode: '13010-000', country: 'BR' },
        },
      });
    });
    await waitFor('the shipments', async () => (await svc.db.query('select 1 from shipments where customer_id = $1', [customerId])).rowCount === 2);
    await waitFor('the contact hash', async () => (await svc.db.query('select 1 from customer_contacts where customer_id = $1', [customerId])).rowCount === 1);
  });

  after(async () => {
    const schema = svc?.db.schema;
    await svc?.stop();
    if (schema) {
      const client = new pg.Client({ connectionString: databaseUrl() });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  });

  it('finds the parcel by e-mail (any case) or postcode (any punctuation), with a working link', async () => {
    const byEmail = await lookup({ orderId, email: `cliente.${suffix}@example.com` }, '10.0.0.1');
    assert.equal(byEmail.status, 200);
    const { trackingUrl } = (await byEmail.json()) as { trackingUrl: string };
    assert.match(trackingUrl, /^https:\/\/rastreio\.vitrine\.test\/\?h=/);
    const token = new URL(trackingUrl).searchParams.get('h');
    const view = (await (await fetch(`${base}/api/tracking/${token}`)).json()) as { orderId: string; status: string };
    assert.deepEqual([view.orderId, view.status], [orderId, 'created']);
    assert.equal((await lookup({ orderId, postalCode: '13010000' }, '10.0.0.2')).status, 200);
  });

  it('answers the same 404 for a wrong contact and an unknown order, and rejects bad input with 400', async () => {
    const wrong = await lookup({ orderId, postalCode: '99999-999' }, '10.0.0.3');
    const unknown = await lookup({ orderId: 'no-such-order', postalCode: '13010-000' }, '10.0.0.4');
    assert.deepEqual([wrong.status, unknown.status], [404, 404]);
    const [a, b] = (await Promise.all([wrong.json(), unknown.json()])) as { title: string; detail: string }[];
    assert.deepEqual([a!.title, a!.detail], [b!.title, b!.detail]);
    assert.equal((await lookup({ orderId, email: 'x@y.z', postalCode: '1' }, '10.0.0.5')).status, 400);
  });

  it('limits lookups per client address and per order number (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await lookup({ orderId: `guess-${suffix}`, postalCode: `0000${i}` }, '10.9.9.9')).status);
    assert.deepEqual(statuses, [404, 404, 404, 429]);
    // Many addresses on one order: the tests above used this order's 3 lookups, so a fresh address
    // with the right postcode is refused too.
    const blocked = await lookup({ orderId, postalCode: '13010-000' }, '10.8.8.8');
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  });

  it('serves the form flow without JavaScript: POST redirects to the page; the stylesheet is cacheable', async () => {
    const post = (contact: string) =>
      fetch(`${base}/rastreio/buscar`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '10.6.6.6' },
        body: new URLSearchParams({ order: `form-${suffix}`, contact, lang: 'en' }).toString(),
      });
    const miss = await post('99999-999');
    assert.equal(miss.status, 404);
    assert.match(await miss.text(), /Tracking not found/);
    const hit = await post('13010-000');
    assert.equal(hit.status, 303);
    const location = hit.headers.get('location') ?? '';
    assert.match(location, /^\/rastreio\?h=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+&lang=en$/);
    const page = await fetch(`${base}${location}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`Order tracking[\\s\\S]*form-${suffix}`));
    const css = await fetch(`${base}/rastreio/assets/tracking.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    const again = await fetch(`${base}/rastreio/assets/tracking.css`, { headers: { 'if-none-match': css.headers.get('etag') ?? '' } });
    assert.equal(again.status, 304);
    const home = await fetch(`${base}/rastreio?lang=en`);
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  });
});
