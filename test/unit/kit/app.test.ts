import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { z } from 'zod';
import {
  createApp,
  finishApp,
  createLogger,
  createMetrics,
  Health,
  listen,
  validated,
  defineErrors,
  type HttpServer,
} from '../../../services/kit/index.ts';

const errors = defineErrors({ widget_not_found: { status: 404, title: 'Widget not found' } });

describe('kit app factory', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const log = createLogger({ name: 'test-app', destination: sink });
  const metrics = createMetrics('test-app', { defaultMetrics: false });
  const health = new Health();
  let server: HttpServer;
  let base: string;

  before(async () => {
    const app = createApp({ log, metrics, health, bodyLimit: '1kb' });
    app.get('/widgets/:id', (req, res) => {
      log.info({ id: req.params.id }, 'widget asked');
      if (req.params.id === 'missing') throw errors.widget_not_found(`widget ${req.params.id}`);
      res.json({ id: req.params.id });
    });
    app.post(
      '/widgets',
      validated({ body: z.object({ name: z.string().min(2), count: z.number().int() }) }, (input, _req, res) => {
        res.status(201).json(input.body);
      }),
    );
    app.get('/boom', async () => {
      throw new Error('secret internals');
    });
    finishApp(app, log);
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close(1000));

  it('returns the caller correlation id and writes it into logs', async () => {
    const res = await fetch(`${base}/widgets/7`, { headers: { 'X-Correlation-ID': 'corr-123' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-correlation-id'), 'corr-123');
    assert.ok(lines.some((l) => l.msg === 'widget asked' && l.correlationId === 'corr-123' && l.service === 'test-app'));
  });

  it('makes a correlation id when the given one is unsafe', async () => {
    const res = await fetch(`${base}/widgets/7`, { headers: { 'X-Correlation-ID': '<script>x</script>' } });
    assert.match(res.headers.get('x-correlation-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('sets security headers', async () => {
    const res = await fetch(`${base}/widgets/7`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  it('maps a catalogue error to problem+json', async () => {
    const res = await fetch(`${base}/widgets/missing`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.code, 'widget_not_found');
    assert.equal(body.title, 'Widget not found');
    assert.equal(body.type, 'https://vitrine.dev/problems/widget-not-found');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await fetch(`${base}/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { code: string }).code, 'not_found');
  });

  it('validates bodies: 400 with the issues, 201 when valid', async () => {
    const bad = await fetch(`${base}/widgets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    assert.equal(bad.status, 400);
    const problem = (await bad.json()) as { errors: { path: string }[] };
    assert.deepEqual(problem.errors.map((e) => e.path).sort(), ['count', 'name']);
    const good = await fetch(`${base}/widgets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"xy","count":2}' });
    assert.equal(good.status, 201);
    assert.deepEqual(await good.json(), { name: 'xy', count: 2 });
  });

  it('rejects malformed JSON (400), too large bodies (413) and non-JSON bodies (415)', async () => {
    const malformed = await fetch(`${base}/widgets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { code: string }).code, 'malformed_json');
    const large = await fetch(`${base}/widgets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(4096), count: 1 }) });
    assert.equal(large.status, 413);
    const text = await fetch(`${base}/widgets`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(text.status, 415);
    assert.match(text.headers.get('content-type') ?? '', /problem\+json/);
  });

  it('hides unknown errors behind a 500 and logs the stack', async () => {
    const res = await fetch(`${base}/boom`);
    assert.equal(res.status, 500);
    const body = await res.text();
    assert.doesNotMatch(body, /secret internals/);
    assert.ok(lines.some((l) => l.msg === 'unhandled error' && JSON.stringify(l.err).includes('secret internals')));
  });

  it('exposes route-templated request durations', async () => {
    const res = await fetch(`${base}/metrics`);
    const text = await res.text();
    assert.match(text, /http_request_duration_seconds_count\{[^}]*route="\/widgets\/:id",method="GET",status="404"/);
    assert.match(text, /route="unmatched"/);
  });

  it('readiness follows the checks and draining', async () => {
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    health.setUnready('consumer', 'crashed');
    const res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { detail: string }).detail, /consumer: crashed/);
    health.setReady('consumer');
    health.addCheck('db', () => {
      throw new Error('connection refused');
    });
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });
});
