/**
 * Servers of bench/tracking.ts, each in its own process so the load generator does not share their
 * event loop: `hello` (a bare Express "hello") and `shipping` (the shipping service on PostgreSQL
 * and Redis, with one shipment seeded and its view cached), `kit-hello` (a kit service's "hello",
 * to tell the kit's share of the cost from shipping's). Prints one JSON line: `{ port, token }`.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import { baseConfigSchema, createService, parseConfig } from '../services/kit/index.ts';
import { create } from '../services/shipping/service.ts';
import { shippingConfigSchema } from '../services/shipping/config.ts';
import { shipInvoicedOrder, type Publish } from '../services/shipping/domain/fulfilment.ts';
import { createTestCarrier } from '../services/shipping/domain/carrier.ts';

async function hello(): Promise<void> {
  const app = express();
  app.get('/hello', (_req, res) => {
    res.send('hello');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
}

async function kitHello(): Promise<void> {
  const svc = await createService({ name: `kit-hello-${process.pid}`, config: parseConfig(baseConfigSchema, { LOG_LEVEL: 'fatal' }), relay: false });
  svc.app.get('/hello', (_req, res) => {
    res.send('hello');
  });
  const server = await svc.start({ port: 0, handleSignals: false });
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
}

async function shipping(databaseUrl: string, redisUrl: string, localMs: string): Promise<void> {
  const pepper = randomBytes(32).toString('hex');
  const name = `shipping-bench-${process.pid}`;
  const svc = await create({
    name,
    config: parseConfig(shippingConfigSchema, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: 'fatal', LOOKUP_PEPPER: pepper, TRACKING_LOCAL_CACHE_MS: localMs, TRACKING_KEYS: `b1:${randomBytes(32).toString('base64url')}` }),
  });
  const server = await svc.start({ port: 0, handleSignals: false });
  const orderId = `bench-${process.pid}`;
  const shipmentId = await svc.db.tx((tx) =>
    shipInvoicedOrder(
      tx,
      {
        orderId,
        invoiceId: 'inv-1',
        customerId: 'c-1',
        items: [{ sku: 'SKU-1', quantity: 1, unitPrice: { amount: 1990, currency: 'BRL' } }],
        total: { amount: 1990, currency: 'BRL' },
        shippingAddress: { name: 'Bench', line1: 'Rua 1', city: 'São Paulo', postalCode: '01310-100', country: 'BR' },
      },
      { carrier: createTestCarrier(), pepper: Buffer.from(pepper), publish: ((e) => svc.events.publish(tx, e)) as Publish },
    ),
  );
  const link = (await (await fetch(`http://127.0.0.1:${server.port}/internal/shipments/${shipmentId}/tracking-link`)).json()) as { trackingUrl: string };
  const token = new URL(link.trackingUrl).searchParams.get('h');
  // Warm the cache: the benchmark measures hits.
  await fetch(`http://127.0.0.1:${server.port}/api/tracking/${token}`);
  process.stdout.write(`${JSON.stringify({ port: server.port, token })}\n`);
  process.once('SIGTERM', () => {
    void svc.db.query(`drop schema if exists ${svc.db.schema} cascade`).finally(() => svc.stop().finally(() => process.exit(0)));
  });
}

const [mode, databaseUrl, redisUrl, localMs = '1000'] = process.argv.slice(2);
if (mode === 'hello') await hello();
else if (mode === 'kit-hello') await kitHello();
else if (mode === 'shipping' && databaseUrl && redisUrl) await shipping(databaseUrl, redisUrl, localMs);
else throw new Error('usage: tracking-servers.ts hello | kit-hello | shipping <DATABASE_URL> <REDIS_URL> [local cache ms]');
