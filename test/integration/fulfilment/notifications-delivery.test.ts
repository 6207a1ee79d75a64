/**
 * Notifications on PostgreSQL (in-process bus): retries with back-off then success, dead letters and
 * their replay, de-duplication by event id, opt-out and opt-in, and no e-mail address in the logs.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { catalog, createAuth, createEvent, createLogger, createMemoryTransport, parseConfig, toWire, type EventData, type EventType, type Service } from '../../../services/kit/index.ts';
import { create } from '../../../services/notifications/service.ts';
import { notificationsConfigSchema } from '../../../services/notifications/config.ts';
import { listForCustomer } from '../../../services/notifications/data/notifications-repo.ts';
import { signWebhook } from '../../../services/integrations/domain/signature.ts';
import { databaseUrl } from '../../support/engines.ts';
import { waitFor } from './harness.ts';

const SECRET = 'w'.repeat(32);

describe('notifications: delivery, retries, dead letters, preferences (PostgreSQL)', function () {
  this.timeout(60_000);
  let svc: Service;
  let base = '';
  let sink: Server;
  const received: { eventId: string; body: { customerId?: string; to?: string; template: string; text: string }; signed: boolean }[] = [];
  const failuresLeft = new Map<string, number>();
  const logLines: string[] = [];
  let sign: (sub: string, roles: string[]) => Promise<string>;
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  const transport = createMemoryTransport();

  const publish = async <T extends EventType>(type: T, data: EventData<T>, id?: string) => {
    await svc.db.tx(async (tx) => {
      await svc.events.publish(tx, { type, data, ...(id ? { id } : {}) } as never);
    });
  };

  before(async () => {
    sink = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as (typeof received)[number]['body'];
        const ts = String(req.headers['x-vitrine-timestamp']);
        received.push({ eventId: String(req.headers['x-vitrine-event-id']), body, signed: req.headers['x-vitrine-signature'] === signWebhook(SECRET, ts, raw) });
        const key = `${body.customerId ?? ''}:${body.template}`;
        const left = failuresLeft.get(key) ?? 0;
        if (left !== 0) failuresLeft.set(key, left - 1);
        res.writeHead(left !== 0 ? 503 : 204).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const { publicKey, privateKey } = await generateKeyPair('EdDSA');
    const auth = createAuth({ jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'EdDSA' }] }, issuer: 'vitrine-identity', audience: 'vitrine' });
    sign = (sub, roles) => new SignJWT({ roles }).setProtectedHeader({ alg: 'EdDSA', kid: 'k' }).setSubject(sub).setIssuer('vitrine-identity').setAudience('vitrine').setExpirationTime('5m').sign(privateKey);
    const sinkLog = new Writable({
      write(chunk: Buffer, _e, cb) {
        logLines.push(chunk.toString());
        cb();
      },
    });
    svc = await create({
      name: `notifications-${suffix}`,
      auth,
      transport,
      log: createLogger({ name: 'notifications', destination: sinkLog, level: 'debug' }),
      links: (id) => Promise.resolve(`https://rastreio.vitrine.test/?h=link-for-${id}`),
      config: parseConfig(notificationsConfigSchema, {
        DATABASE_URL: databaseUrl(),
        NOTIFY_PROVIDER: 'webhook',
        NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/notify`,
        NOTIFY_WEBHOOK_SECRET: SECRET,
        NOTIFY_MAX_ATTEMPTS: '3',
        NOTIFY_BACKOFF_MS: '100',
        NOTIFY_POLL_MS: '50',
        OUTBOX_POLL_MS: '50',
      }),
    });
    base = `http://127.0.0.1:${(await svc.start({ port: 0, handleSignals: false })).port}`;
  });

  after(async () => {
    const schema = svc?.db.schema;
    await svc?.stop();
    await transport.close();
    await new Promise((r) => sink?.close(r));
    if (schema) {
      const client = new pg.Client({ connectionString: databaseUrl() });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  });

  it('retries a failing provider with back-off and sends once it recovers, with the same idempotency key', async () => {
    const customerId = `c1-${suffix}`;
    await publish('user.registered', { userId: customerId, email: `${customerId}@example.com`, name: 'Bia Lima' });
    failuresLeft.set(`${customerId}:order_confirmed`, 2);
    await publish('order.confirmed', { orderId: `o1-${suffix}`, customerId, total: { amount: 2590, currency: 'BRL' } });
    const rows = await waitFor('the confirmation to be sent', async () => {
      const all = await listForCustomer(svc.db, customerId);
      const n = all.find((x) => x.template === 'order_confirmed');
      return n?.state === 'sent' ? n : undefined;
    });
    assert.equal(rows.attempts, 3);
    const posts = received.filter((r) => r.body.customerId === customerId && r.body.template === 'order_confirmed');
    assert.equal(posts.length, 3);
    assert.equal(new Set(posts.map((p) => p.eventId)).size, 1, 'one idempotency key across retries');
    assert.ok(posts.every((p) => p.signed));
    assert.match(posts[0]!.body.text, /Olá, Bia!/);
  });

  it('dead-letters after the last attempt, lists it for admins and replays it', async () => {
    const customerId = `c2-${suffix}`;
    failuresLeft.set(`${customerId}:order_cancelled`, -1);
    await publish('order.cancelled', { orderId: `o2-${suffix}`, customerId, reason: 'payment failed' });
    const dead = await waitFor('the dead letter', async () => (await listForCustomer(svc.db, customerId)).find((n) => n.state === 'dead'));
    assert.equal(dead.attempts, 3);
    assert.match(dead.lastError ?? '', /503/);
    const admin = { authorization: `Bearer ${await sign('admin', ['admin'])}` };
    const list = (await (await fetch(`${base}/api/notifications/dead-letters`, { headers: admin })).json()) as { items: { id: string }[] };
    assert.ok(list.items.some((i) => i.id === dead.id));
    assert.equal((await fetch(`${base}/api/notifications/dead-letters`, { headers: { authorization: `Bearer ${await sign(customerId, ['customer'])}` } })).status, 403);
    failuresLeft.set(`${customerId}:order_cancelled`, 0);
    assert.equal((await fetch(`${base}/api/notifications/dead-letters/${dead.id}/replay`, { method: 'POST', headers: admin })).status, 202);
    await waitFor('the replayed notification to be sent', async () => (await listForCustomer(svc.db, customerId)).find((n) => n.id === dead.id && n.state === 'sent'));
  });

  it('queues one notification for a redelivered event id', async () => {
    const customerId = `c3-${suffix}`;
    const id = randomUUID();
    const data = { orderId: `o3-${suffix}`, customerId, total: { amount: 100, currency: 'BRL' } };
    // The same record twice on the wire, as a redelivery would bring it.
    const record = toWire(catalog, createEvent(catalog, '/vitrine/orders', { type: 'order.confirmed', data, id }));
    await transport.send([record]);
    await transport.send([record]);
    await waitFor('the notification', async () => (await listForCustomer(svc.db, customerId)).some((n) => n.state === 'sent'));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await listForCustomer(svc.db, customerId)).length, 1);
  });

  it('honours opt-out, sends checkpoints only to customers who opted in, and logs no address', async () => {
    const optedIn = `c4-${suffix}`;
    const optedOut = `c5-${suffix}`;
    for (const c of [optedIn, optedOut]) await publish('user.registered', { userId: c, email: `${c}@example.com`, name: 'Cli' });
    const put = await fetch(`${base}/api/notifications/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await sign(optedIn, ['customer'])}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shipmentUpdates: true, locale: 'en' }),
    });
    assert.deepEqual(await put.json(), { customerId: optedIn, optedOut: false, shipmentUpdates: true, locale: 'en' });
    const out = await fetch(`${base}/api/notifications/opt-out`, { method: 'POST', headers: { authorization: `Bearer ${await sign(optedOut, ['customer'])}` } });
    assert.equal(((await out.json()) as { optedOut: boolean }).optedOut, true);
    assert.equal((await fetch(`${base}/api/notifications/preferences`)).status, 401);

    for (const c of [optedIn, optedOut]) {
      const shipmentId = `s-${c}`;
      await publish('shipment.created', { shipmentId, orderId: `o-${c}`, customerId: c, carrier: 'vitrine-express', trackingCode: 'VT000000001BR' });
      await publish('shipment.checkpoint', { shipmentId, orderId: `o-${c}`, status: 'in_transit', location: 'Cajamar/SP', occurredAt: new Date().toISOString() });
    }
    const sent = await waitFor('the opted-in customer’s two messages', async () => {
      const n = (await listForCustomer(svc.db, optedIn)).filter((x) => x.template.startsWith('shipment_'));
      return n.length === 2 && n.every((x) => x.state === 'sent') ? n : undefined;
    });
    assert.deepEqual(sent.map((n) => n.template).sort(), ['shipment_checkpoint', 'shipment_created']);
    const mail = received.find((r) => r.body.customerId === optedIn && r.body.template === 'shipment_created');
    assert.match(mail?.body.text ?? '', /Follow the delivery: https:\/\/rastreio\.vitrine\.test\/\?h=link-for-s-/);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual((await listForCustomer(svc.db, optedOut)).filter((x) => x.template.startsWith('shipment_')), [], 'nothing for the customer who opted out');
    const logs = logLines.join('');
    assert.ok(logs.length > 0);
    assert.ok(!logs.includes('@example.com'), 'no e-mail address in the logs');
  });
});
