import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import {
  createApp,
  createLogger,
  createMetrics,
  currentContext,
  defineErrors,
  fastRouteListener,
  finishApp,
  Health,
  headersOf,
  listen,
  type FastRoute,
  type HttpServer,
} from '../../../services/kit/index.ts';
import { securityHeaders } from '../../../services/kit/http/app.ts';

const errors = defineErrors({ item_not_found: { status: 404, title: 'Item not found' } });
const ITEMS = new Map([['a1', '{"id":"a1"}']]);
// Headers that differ between any two answers.
const PER_ANSWER = new Set(['date', 'x-correlation-id', 'etag', 'content-length', 'keep-alive', 'connection']);

describe('kit fast routes', () => {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const log = createLogger({ name: 'test-fast', destination: sink });
  const metrics = createMetrics('test-fast', { defaultMetrics: false });
  const asked: string[] = [];
  let server: HttpServer;
  let base: string;

  before(async () => {
    const app = createApp({ log, metrics, health: new Health() });
    app.get('/items/:id', (req, res) => {
      const item = ITEMS.get(req.params.id);
      if (item === undefined) throw errors.item_not_found(`no item ${req.params.id}`);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.send(item);
    });
    finishApp(app, log);
    const route: FastRoute = {
      prefix: '/items/',
      route: '/items/:id',
      handle(id) {
        asked.push(id);
        if (id === 'boom') throw new Error('handler failed');
        if (id === 'pass') return undefined;
        const body = ITEMS.get(id);
        if (body === undefined) throw errors.item_not_found(`no item ${id}`);
        return { headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Seen-By': currentContext()?.correlationId ?? '' }, body };
      },
    };
    server = await listen(fastRouteListener(app, [route], { metrics, log, securityHeaders: headersOf(securityHeaders) }), 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  it('takes the security headers from the kit middleware', () => {
    const names = headersOf(securityHeaders).map(([n]) => n);
    for (const n of ['content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options']) assert.ok(names.includes(n), n);
  });

  it('answers a hit with the headers Express would send, the correlation id and its context', async () => {
    const fast = await fetch(`${base}/items/a1`, { headers: { 'x-correlation-id': 'corr-fast-1' } });
    assert.equal(fast.status, 200);
    assert.equal(await fast.text(), '{"id":"a1"}');
    assert.equal(fast.headers.get('x-correlation-id'), 'corr-fast-1');
    assert.equal(fast.headers.get('x-seen-by'), 'corr-fast-1', 'the handler runs in the request context');
    // The same item through Express (a path the fast route does not take: a trailing slash).
    const slow = await fetch(`${base}/items/a1/`);
    assert.equal(slow.status, 200);
    const names = (h: Headers) => [...h.keys()].filter((n) => !PER_ANSWER.has(n) && n !== 'x-seen-by').sort();
    assert.deepEqual(names(fast.headers), names(slow.headers));
    for (const n of names(slow.headers)) assert.equal(fast.headers.get(n), slow.headers.get(n), n);
  });

  it('observes the request duration under the Express route label', async () => {
    await fetch(`${base}/items/a1`);
    const text = await metrics.registry.metrics();
    assert.match(text, /http_request_duration_seconds_count\{[^}]*route="\/items\/:id"[^}]*status="200"[^}]*\} [1-9]/);
  });

  it('answers a thrown catalogue error with the problem document Express would write', async () => {
    const fast = await fetch(`${base}/items/zz`, { headers: { 'x-correlation-id': 'corr-miss-1' } });
    const slow = await fetch(`${base}/items/zz/`, { headers: { 'x-correlation-id': 'corr-miss-1' } });
    assert.equal(fast.status, 404);
    assert.equal(slow.status, 404);
    const fastBody = (await fast.json()) as Record<string, unknown>;
    const slowBody = (await slow.json()) as Record<string, unknown>;
    assert.equal(fastBody.instance, '/items/zz');
    assert.deepEqual({ ...fastBody, instance: undefined }, { ...slowBody, instance: undefined });
    const names = (h: Headers) => [...h.keys()].filter((n) => !PER_ANSWER.has(n)).sort();
    assert.deepEqual(names(fast.headers), names(slow.headers));
    for (const n of names(slow.headers)) assert.equal(fast.headers.get(n), slow.headers.get(n), n);
  });

  it('answers an unknown error as a 500 problem, never leaking it', async () => {
    const boom = await fetch(`${base}/items/boom`);
    assert.equal(boom.status, 500);
    assert.match(boom.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.doesNotMatch(await boom.text(), /handler failed/);
  });

  it('lets Express answer a declined request, an encoded parameter and other methods', async () => {
    const before = asked.length;
    const pass = await fetch(`${base}/items/pass`);
    assert.equal(pass.status, 404, 'Express answered the declined request');
    assert.deepEqual(asked.slice(before), ['pass']);
    const encoded = await fetch(`${base}/items/a%31`);
    assert.equal(encoded.status, 200, 'Express decodes what the fast route leaves alone');
    assert.deepEqual(asked.slice(before), ['pass'], 'an encoded parameter never reaches the fast route');
    const head = await fetch(`${base}/items/a1`, { method: 'HEAD' });
    assert.equal(head.status, 200);
  });
});
