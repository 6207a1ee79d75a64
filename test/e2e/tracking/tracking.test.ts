/**
 * Issue 5, end to end on the real engines: an invoiced order becomes a shipment and an e-mail with
 * the tracking link; three signed carrier webhooks go through the integration hub and become
 * checkpoints; headless Chromium shows them in order in pt-BR and English (screenshots in
 * test/artifacts/). Bad tokens and bad webhooks are all rejected and counted.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { CARRIER, CARRIER_SECRET, startFulfilment, waitFor, type Fulfilment } from '../../integration/fulfilment/harness.ts';
import { signWebhook } from '../../../services/integrations/domain/signature.ts';
import { parseKeyRing } from '../../../services/shipping/domain/key-ring.ts';
import { signTrackingToken } from '../../../services/shipping/domain/tracking-token.ts';

const ARTIFACTS = new URL('../../artifacts/', import.meta.url);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface View {
  status: string;
  trackingCode: string;
  checkpoints: { status: string; location?: string }[];
}

describe('e2e: tracking page fed by carrier webhooks (issue 5)', function () {
  this.timeout(120_000);
  let f: Fulfilment;
  let browser: Browser;
  const customerId = `cust-${Date.now().toString(36)}`;
  const orderId = `ord-${Date.now().toString(36)}`;
  const email = `${customerId}@example.com`;
  let token = '';
  let trackingCode = '';

  const postWebhook = (body: unknown, opts: { eventId: string; ts?: number; secret?: string }) => {
    const raw = JSON.stringify(body);
    const ts = opts.ts ?? Math.floor(Date.now() / 1000);
    return fetch(`${f.urls.integrations}/webhooks/carriers/${CARRIER}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-vitrine-event-id': opts.eventId,
        'x-vitrine-timestamp': String(ts),
        'x-vitrine-signature': signWebhook(opts.secret ?? CARRIER_SECRET, ts, raw),
      },
      body: raw,
    });
  };
  const view = async (): Promise<View | undefined> => {
    const r = await fetch(`${f.urls.shipping}/api/tracking/${token}`);
    return r.ok ? ((await r.json()) as View) : undefined;
  };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [f, browser] = await Promise.all([startFulfilment(), chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })]);
  });
  after(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('creates the shipment and e-mails the tracking link when the order is invoiced', async () => {
    await f.publish('user.registered', { userId: customerId, email, name: 'Ana Souza' });
    // The customer opts in to parcel updates through her own token.
    const prefs = await fetch(`${f.urls.notifications}/api/notifications/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await f.token(customerId, ['customer'])}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shipmentUpdates: true }),
    });
    assert.equal(prefs.status, 200);
    await f.publish('order.invoiced', {
      orderId,
      invoiceId: `inv-${orderId}`,
      customerId,
      items: [{ sku: 'SKU-1', quantity: 2, unitPrice: { amount: 4990, currency: 'BRL' } }],
      total: { amount: 9980, currency: 'BRL' },
      shippingAddress: { name: 'Ana Souza', line1: 'Av. Paulista, 1000', city: 'São Paulo', state: 'SP', postalCode: '01310-100', country: 'BR' },
    });
    const mail = await waitFor('the shipment e-mail', () => f.smtp.mails.find((m) => m.to === email && m.subject.includes(orderId) && m.text.includes('?h=')), 45_000);
    assert.equal(mail.subject, `Pedido ${orderId} enviado`);
    const link = /https:\/\/rastreio\.vitrine\.test\/\?h=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(mail.text);
    assert.ok(link, `no tracking link in: ${mail.text}`);
    token = link[1]!;
    const v = await view();
    assert.equal(v?.status, 'created');
    trackingCode = v.trackingCode;
    assert.match(trackingCode, /^VT\d{9}BR$/);
  });

  it('turns three signed carrier webhooks into checkpoints, in time order, with the cache invalidated', async () => {
    const base = Date.now() - 3 * 3_600_000;
    const at = (h: number) => new Date(base + h * 3_600_000).toISOString();
    const updates = [
      { trackingCode, status: 'PO', description: 'Objeto postado', location: 'São Paulo/SP', occurredAt: at(0) },
      { trackingCode, status: 'RO', description: 'Objeto em trânsito', location: 'Cajamar/SP', occurredAt: at(1) },
      { trackingCode, status: 'OEC', description: 'Objeto saiu para entrega', location: 'São Paulo/SP', occurredAt: at(2) },
    ];
    const first = await postWebhook(updates[0], { eventId: `${orderId}-1` });
    assert.equal(first.status, 202);
    const { id } = (await first.json()) as { id: string };
    assert.equal(first.headers.get('location'), `/api/integrations/requests/${id}`);
    await waitFor('the first checkpoint', async () => (await view())?.checkpoints.length === 1);
    // The view is now cached; the next two (sent newest first) must still show up.
    for (const [i, u] of [[3, updates[2]], [2, updates[1]]] as const) assert.equal((await postWebhook(u, { eventId: `${orderId}-${i}` })).status, 202);
    const v = await waitFor('three checkpoints', async () => {
      const x = await view();
      return x && x.checkpoints.length === 3 ? x : undefined;
    });
    assert.deepEqual(v.checkpoints.map((c) => c.status), ['posted', 'in_transit', 'out_for_delivery']);
    assert.equal(v.status, 'out_for_delivery');
    const state = (await (await fetch(`${f.urls.integrations}/api/integrations/requests/${id}`)).json()) as { state: string };
    assert.equal(state.state, 'validated');
    const hits = (await f.metric(f.shipping, 'tracking_cache_total', { outcome: 'hit' })) + (await f.metric(f.shipping, 'tracking_cache_total', { outcome: 'local' }));
    assert.ok(hits >= 1, 'some reads were cache hits');
    // The opted-in customer got one e-mail per checkpoint.
    await waitFor('three checkpoint e-mails', () => f.smtp.mails.filter((m) => m.to === email && m.subject.startsWith(`Pedido ${orderId}:`)).length >= 3);
  });

  it('shows the timeline in order in pt-BR and English in headless Chromium, with no CSP violation', async () => {
    const violations: string[] = [];
    for (const [lang, labels] of [
      ['pt-BR', ['Postado', 'Em trânsito', 'Saiu para entrega']],
      ['en', ['Posted', 'In transit', 'Out for delivery']],
    ] as const) {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false, locale: lang });
      page.on('console', (m) => violations.push(m.text()));
      const res = await page.goto(`${f.urls.shipping}/?h=${token}&lang=${lang}`);
      assert.equal(res?.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      const items = await page.locator('ol.timeline li .what').allTextContents();
      assert.deepEqual(items, labels);
      assert.equal(await page.locator('.status').textContent(), labels[2]);
      assert.match((await page.locator('main').textContent()) ?? '', lang === 'en' ? /Estimated delivery/ : /Previsão de entrega/);
      // The served stylesheet applied (CSP allows 'self' styles only).
      const bg = await page.locator('header').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
      assert.equal(bg, 'rgb(11, 83, 148)');
      await page.screenshot({ path: new URL(`tracking-${lang}-mobile.png`, ARTIFACTS).pathname, fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: new URL(`tracking-${lang}-desktop.png`, ARTIFACTS).pathname, fullPage: true });
      await page.close();
    }
    assert.deepEqual(violations.filter((v) => /Content Security Policy|Refused/.test(v)), []);
  });

  it('answers the same 404 page for unknown, forged, tampered and expired tokens, and counts them', async () => {
    const ring = parseKeyRing(f.trackingKeys);
    const soon = new Date(Date.now() + 86_400_000);
    const [payload, mac] = token.split('.') as [string, string];
    const shipmentId = Buffer.from(payload, 'base64url').toString().split('.')[1]!;
    // Expired: a genuine MAC (the right key) over an expiry a minute ago.
    const expiredPayload = `e2e.${shipmentId}.${Math.floor(Date.now() / 1000) - 60}`;
    const bad = {
      unknown: signTrackingToken(ring, 'no-such-shipment', soon),
      forged: signTrackingToken(parseKeyRing(`e2e:${Buffer.alloc(32, 7).toString('base64url')}`), shipmentId, soon),
      tampered: `${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`,
      expired: `${Buffer.from(expiredPayload).toString('base64url')}.${createHmac('sha256', ring.active.secret).update(expiredPayload).digest('base64url')}`,
    };
    const before = await f.metric(f.shipping, 'tracking_token_rejected_total', { surface: 'page' });
    const bodies = new Set<string>();
    for (const [kind, t] of Object.entries(bad)) {
      const page = await fetch(`${f.urls.shipping}/?h=${t}&lang=en`);
      assert.equal(page.status, 404, kind);
      bodies.add(await page.text());
      const api = await fetch(`${f.urls.shipping}/api/tracking/${t}`);
      assert.equal(api.status, 404, kind);
    }
    assert.equal(bodies.size, 1, 'one and the same not-found page');
    assert.equal((await f.metric(f.shipping, 'tracking_token_rejected_total', { surface: 'page' })) - before, 4);
    console.log(`      rejected tokens: ${Object.keys(bad).join(', ')} → 4/4 page 404s, 4/4 API 404s`);
  });

  it('rejects webhooks with a bad signature, a stale timestamp or a replayed id, and dead-letters invalid updates', async () => {
    const body = { trackingCode, status: 'BDE', occurredAt: new Date().toISOString() };
    const badSig = await postWebhook(body, { eventId: `${orderId}-bad`, secret: 'not-the-secret-not-the-secret' });
    const stale = await postWebhook(body, { eventId: `${orderId}-stale`, ts: Math.floor(Date.now() / 1000) - 301 });
    const replay = await postWebhook({ ...body, status: 'PO' }, { eventId: `${orderId}-1` });
    assert.deepEqual([badSig.status, stale.status, replay.status], [401, 401, 409]);
    const counts = {
      bad_signature: await f.metric(f.integrations, 'webhook_rejected_total', { reason: 'bad_signature' }),
      stale_timestamp: await f.metric(f.integrations, 'webhook_rejected_total', { reason: 'stale_timestamp' }),
      replayed: await f.metric(f.integrations, 'webhook_rejected_total', { reason: 'replayed' }),
    };
    assert.deepEqual(counts, { bad_signature: 1, stale_timestamp: 1, replayed: 1 });
    console.log(`      rejected webhooks: ${JSON.stringify(counts)}`);

    const invalid = await postWebhook({ trackingCode, status: 'ZZ', occurredAt: new Date().toISOString() }, { eventId: `${orderId}-zz` });
    assert.equal(invalid.status, 202);
    const { id } = (await invalid.json()) as { id: string };
    const admin = { authorization: `Bearer ${await f.token('admin-1', ['admin'])}` };
    const dead = await waitFor('the dead letter', async () => {
      const r = await fetch(`${f.urls.integrations}/api/integrations/dead-letters`, { headers: admin });
      const items = ((await r.json()) as { items: { id: string; requestId: string; reason: string }[] }).items;
      return items.find((d) => d.requestId === id);
    });
    assert.match(dead.reason, /unknown status code "ZZ"/);
    const state = (await (await fetch(`${f.urls.integrations}/api/integrations/requests/${id}`)).json()) as { state: string; reason: string };
    assert.equal(state.state, 'dead_lettered');
    const customer = await fetch(`${f.urls.integrations}/api/integrations/dead-letters`, { headers: { authorization: `Bearer ${await f.token(customerId, ['customer'])}` } });
    assert.equal(customer.status, 403);
    const replayed = await fetch(`${f.urls.integrations}/api/integrations/dead-letters/${dead.id}/replay`, { method: 'POST', headers: admin });
    assert.equal(replayed.status, 202);
    // Still invalid: validated again, dead-lettered again with the same reason.
    await waitFor('the replayed dead letter', async () => {
      const r = await fetch(`${f.urls.integrations}/api/integrations/dead-letters`, { headers: admin });
      const items = ((await r.json()) as { items: { id: string; requestId: string }[] }).items;
      return items.some((d) => d.requestId === id && d.id !== dead.id);
    });
    assert.equal((await view())?.checkpoints.length, 3, 'rejected and invalid updates changed nothing');
  });

  it('marks the parcel delivered on the carrier’s delivery update, also reachable by the bare /rastreio?<token> form', async () => {
    const deliveredAt = new Date(Date.now() - 60_000).toISOString();
    const r = await postWebhook({ trackingCode, status: 'BDE', description: 'Objeto entregue ao destinatário', location: 'São Paulo/SP', occurredAt: deliveredAt }, { eventId: `${orderId}-4` });
    assert.equal(r.status, 202);
    const v = await waitFor('the delivery', async () => {
      const x = (await view()) as (View & { deliveredAt?: string }) | undefined;
      return x?.status === 'delivered' ? x : undefined;
    });
    assert.equal(v.deliveredAt, deliveredAt);
    assert.equal(v.checkpoints.length, 4);
    const page = await fetch(`${f.urls.shipping}/rastreio?${token}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Entregue em/);
  });
});
