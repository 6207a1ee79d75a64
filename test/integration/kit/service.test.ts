/**
 * createService on the embedded engines: a route that publishes through the outbox, a handler that
 * consumes it, metrics and readiness, and a graceful stop that finishes in-flight work.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { baseConfigSchema, createMemoryTransport, createService, parseConfig, validated, type HttpServer, type Service } from '../../../services/kit/index.ts';
import { memoryLogger, waitFor } from './support.ts';

describe('kit createService (embedded engines)', function () {
  this.timeout(30_000);
  let svc: Service;
  let server: HttpServer;
  let base: string;
  let dir: string;
  let slowRequestStarted: () => void = () => {};
  const { log, lines } = memoryLogger('stock-test');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kit-svc-'));
    await writeFile(join(dir, '001-stock.sql'), 'create table stock (sku text primary key, available int not null);\ncreate table seen (event_id text primary key, sku text);');
    svc = await createService({
      name: 'stock-test',
      config: parseConfig(baseConfigSchema, { OUTBOX_POLL_MS: '20', LOG_LEVEL: 'debug' }),
      migrations: dir,
      cache: true,
      transport: createMemoryTransport(),
      log,
    });
    svc.app.put(
      '/stock/:sku',
      validated({ params: z.object({ sku: z.string() }), body: z.object({ available: z.number().int().min(0) }) }, async ({ params, body }, _req, res) => {
        await svc.db.tx(async (tx) => {
          await tx.query('insert into stock values ($1, $2) on conflict (sku) do update set available = excluded.available', [params.sku, body.available]);
          await svc.events.publish(tx, { type: 'stock.changed', data: { sku: params.sku, available: body.available } });
        });
        await svc.cache?.del(`stock:${params.sku}`);
        res.status(204).end();
      }),
    );
    svc.app.get('/slow', async (_req, res) => {
      slowRequestStarted();
      await new Promise((r) => setTimeout(r, 300));
      res.json({ finished: true });
    });
    await svc.events.subscribe('stock-test', {
      'stock.changed': async (event, ctx) => {
        await ctx.tx.query('insert into seen values ($1, $2)', [event.id, event.data.sku]);
        ctx.log.info({ sku: event.data.sku }, 'stock change seen');
      },
    });
    server = await svc.start({ port: 0, handleSignals: false });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await svc.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes from a route and consumes with the correlation id of the request', async () => {
    const res = await fetch(`${base}/stock/sku-1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'corr-svc-1' },
      body: JSON.stringify({ available: 5 }),
    });
    assert.equal(res.status, 204);
    await waitFor('the handler', async () => (await svc.db.query('select 1 from seen where sku = $1', ['sku-1'])).rowCount === 1);
    assert.ok(lines.some((l) => l.msg === 'stock change seen' && l.correlationId === 'corr-svc-1'));
  });

  it('works in its own schema on an owned PGlite', async () => {
    const r = await svc.db.query<{ s: string }>(`select table_schema as s from information_schema.tables where table_name = 'stock'`);
    assert.deepEqual(r.rows, [{ s: 'stock_test' }]);
  });

  it('rejects an event that breaks its schema in the publisher transaction', async () => {
    await assert.rejects(
      svc.db.tx((tx) => svc.events.publish(tx, { type: 'stock.changed', data: { sku: 'x', available: -1 } })),
      /invalid stock.changed data: available/,
    );
  });

  it('refuses an event too large for the broker in the publisher transaction', async () => {
    const huge = { type: 'carrier.update.received' as const, data: { updateId: 'u', carrier: 'c', trackingCode: 't', payload: { blob: 'x'.repeat(600 * 1024) }, receivedAt: new Date().toISOString() } };
    await assert.rejects(svc.db.tx((tx) => svc.events.publish(tx, huge)), /bytes; the limit is/);
    assert.equal((await svc.db.query(`select 1 from outbox where event_type = 'carrier.update.received'`)).rowCount, 0);
  });

  it('exposes event metrics and readiness', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /events_outbox_oldest_unsent_seconds\{service="stock-test"\} 0/);
    assert.match(text, /events_consumer_lag\{group="stock-test",topic="vitrine.inventory",service="stock-test"\} 0/);
    assert.match(text, /events_handled_total\{group="stock-test",type="stock.changed",outcome="handled",service="stock-test"\} 1/);
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { checks: { name: string; ok: boolean }[] };
    assert.deepEqual(ready.checks.map((c) => c.name).sort(), ['cache', 'db']);
  });

  it('finishes an in-flight request on stop, then refuses new connections', async () => {
    const started = new Promise<void>((resolve) => {
      slowRequestStarted = resolve;
    });
    const inFlight = fetch(`${base}/slow`);
    await started;
    const stopping = svc.stop();
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { finished: true });
    await stopping;
    await assert.rejects(fetch(`${base}/slow`));
  });
});
