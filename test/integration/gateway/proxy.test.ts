/**
 * The gateway end to end on loopback: routing and streaming to an upstream, the tracking redirect,
 * the WAF in Block and Detect mode, token policies against a JWKS with key rotation, retries only
 * for idempotent methods, the circuit breaker, timeouts, and a config reload that keeps the
 * client's kept-alive connection.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, request } from 'undici';
import { parseGatewayConfig, type GatewayConfigInput } from '../../../services/gateway/config/schema.ts';
import { loadGatewayConfig, watchGatewayConfig } from '../../../services/gateway/config/watch.ts';
import { createTokenVerifier } from '../../../services/gateway/edge/token-verifier.ts';
import { AUDIENCE, ISSUER, startEchoUpstream, startGateway, startKeyServer, type EchoUpstream, type KeyServer, type TestGateway } from './support.ts';

const HOST = 'empresa.com.br';

function baseConfig(up: EchoUpstream, extra: Partial<GatewayConfigInput> = {}): GatewayConfigInput {
  return {
    hosts: [HOST, `rastreio.${HOST}`],
    upstreams: { catalog: { url: up.url, timeoutMs: 500, retries: 2, breaker: { failureThreshold: 3, resetMs: 60_000 } } },
    routes: [
      { pathPrefix: '/api/catalog', service: 'catalog' },
      { pathPrefix: '/api/orders', service: 'catalog', auth: 'signed-in' },
      { pathPrefix: '/api/admin', service: 'catalog', auth: { role: 'admin' }, stripPrefix: true },
    ],
    redirects: [{ host: HOST, path: '/rastreio', to: `https://rastreio.${HOST}/`, bareQueryParam: 'h' }],
    ...extra,
  };
}

async function call(base: string, p: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(`${base}${p}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers: { host: HOST, 'user-agent': 'test', ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('gateway proxy (loopback)', function () {
  this.timeout(30_000);
  let up: EchoUpstream;
  let keys: KeyServer;
  let gw: TestGateway;

  before(async () => {
    up = await startEchoUpstream();
    keys = await startKeyServer();
    gw = await startGateway(baseConfig(up), {
      verifier: createTokenVerifier({ jwksUrl: keys.url, issuer: ISSUER, audience: AUDIENCE, cooldownMs: 0 }),
    });
  });
  after(async () => {
    await gw.close();
    await Promise.all([up.close(), keys.close()]);
  });
  beforeEach(() => {
    up.behaviour = () => false;
  });

  it('routes by path prefix, keeps the query, sets forwarding and correlation headers', async () => {
    const res = await call(gw.url, '/api/catalog/products?q=camiseta%20100%25%20algod%C3%A3o&page=2', { headers: { 'x-correlation-id': 'corr-1' } });
    assert.equal(res.status, 200);
    const echoed = res.json();
    assert.equal(echoed.url, '/api/catalog/products?q=camiseta%20100%25%20algod%C3%A3o&page=2');
    const headers = echoed.headers as Record<string, string>;
    assert.equal(headers['x-correlation-id'], 'corr-1');
    assert.equal(headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(headers['x-forwarded-host'], HOST);
    assert.equal(res.headers['x-correlation-id'], 'corr-1');
  });

  it('forwards a JSON body unchanged', async () => {
    const body = JSON.stringify({ shippingAddress: { street: "Rua Dr. José d'Ávila, 12", city: 'São Paulo' } });
    const res = await call(gw.url, '/api/catalog/x', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.json().body, body);
  });

  it('answers 404 problem+json for an unknown route', async () => {
    const res = await call(gw.url, '/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    assert.equal(res.json().type, 'https://vitrine.dev/problems/no-route');
  });

  it('redirects /rastreio?<hash> to the tracking host keeping the query', async () => {
    const bare = await call(gw.url, '/rastreio?Zx8_k-12');
    assert.equal(bare.status, 302);
    assert.equal(bare.headers.location, `https://rastreio.${HOST}/?h=Zx8_k-12`);
    const named = await call(gw.url, '/rastreio?h=Zx8&utm_source=email');
    assert.equal(named.headers.location, `https://rastreio.${HOST}/?h=Zx8&utm_source=email`);
  });

  it('blocks an attack with 403 before it reaches the upstream', async () => {
    const before = up.requests;
    const res = await call(gw.url, "/api/catalog/products?q=1'%20UNION%20SELECT%20password%20FROM%20users--");
    assert.equal(res.status, 403);
    assert.equal(res.json().type, 'https://vitrine.dev/problems/request-blocked');
    assert.equal(up.requests, before);
    const metrics = await scrapeMetrics(gw);
    assert.match(metrics, /waf_rule_matches_total\{rule="sqli-union-select",family="sqli",action="block",service="gateway"\} 1/);
  });

  it('enforces signed-in and role policies against the JWKS, refetching keys after a rotation', async () => {
    assert.equal((await call(gw.url, '/api/orders/1')).status, 401);
    const token = await keys.sign('user-1');
    assert.equal((await call(gw.url, '/api/orders/1', { headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await call(gw.url, '/api/admin/stats', { headers: { authorization: `Bearer ${token}` } })).status, 403);
    // GIVEN identity rotated its key: a token with the new kid is unknown to the cache
    await keys.rotate();
    const fetchesBefore = keys.fetches;
    const admin = await keys.sign('admin-1', ['admin']);
    const res = await call(gw.url, '/api/admin/stats', { headers: { authorization: `Bearer ${admin}` } });
    // THEN the gateway refetched the JWKS and accepted it; the prefix was stripped
    assert.equal(res.status, 200);
    assert.equal(res.json().url, '/stats');
    assert.ok(keys.fetches > fetchesBefore);
    assert.equal((await call(gw.url, '/api/orders/1', { headers: { authorization: 'Bearer not.a.token' } })).status, 401);
  });

  it('retries an idempotent GET after a dropped connection, but never a POST', async () => {
    let failures = 1;
    up.behaviour = (_req, res) => {
      if (failures-- > 0) {
        res.socket?.destroy();
        return true;
      }
      return false;
    };
    assert.equal((await call(gw.url, '/api/catalog/retry')).status, 200);
    failures = 1;
    const start = up.requests;
    const post = await call(gw.url, '/api/catalog/retry', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(post.status, 502);
    assert.equal(up.requests - start, 1, 'the POST reached the upstream exactly once');
  });

  it('streams a large answer to a slow client with backpressure, byte for byte', async () => {
    // GIVEN an upstream answering 48 MiB, more than the sockets on the way can hold
    const payload = Buffer.alloc(48 * 1024 * 1024);
    for (let i = 0; i < payload.length; i += 4096) payload.writeUInt32BE(i, i);
    let upstreamWritten = 0;
    let writtenWhenClientStartedReading = -1;
    up.behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': payload.length });
      const chunk = 64 * 1024;
      let offset = 0;
      const pump = (): void => {
        while (offset < payload.length) {
          const ok = res.write(payload.subarray(offset, offset + chunk));
          offset += chunk;
          upstreamWritten = offset;
          if (!ok) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return true;
    };
    // WHEN the client waits a second before it reads at all (longer than the upstream's 500 ms body timeout)
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/api/catalog/big`, { headers: { host: HOST, 'user-agent': 'test' } }, (res) => {
        res.pause();
        const chunks: Buffer[] = [];
        setTimeout(() => {
          writtenWhenClientStartedReading = upstreamWritten;
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.resume();
        }, 1_000);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    // THEN every byte arrives in order, and the upstream was held back rather than buffered in the gateway
    assert.equal(body.length, payload.length);
    assert.ok(body.equals(payload), 'the body arrived unchanged');
    assert.ok(writtenWhenClientStartedReading > 0 && writtenWhenClientStartedReading < payload.length,
      `the upstream waited for the slow client (it had written ${writtenWhenClientStartedReading} of ${payload.length} bytes)`);
  });

  it('aborts the upstream request when the client leaves mid-answer', async () => {
    let upstreamClosedEarly: Promise<boolean> = Promise.resolve(false);
    up.behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('x'.repeat(1024)), 10);
      upstreamClosedEarly = new Promise((resolve) => res.once('close', () => {
        clearInterval(timer);
        resolve(!res.writableFinished);
      }));
      return true; // never ends by itself
    };
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/api/catalog/endless`, { headers: { host: HOST, 'user-agent': 'test' } }, (res) => {
        res.once('data', () => {
          req.destroy(); // the shopper closed the tab
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.end();
      setTimeout(() => reject(new Error('no data from the gateway')), 5_000).unref();
    });
    const started = Date.now();
    assert.equal(await upstreamClosedEarly, true, 'the upstream saw its request go away before it finished');
    assert.ok(Date.now() - started < 2_000);
  });

  it('answers 504 when the upstream is too slow', async () => {
    up.behaviour = () => true; // never answers
    const res = await call(gw.url, '/api/catalog/slow', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 504);
  });

  it('opens the circuit after repeated failures and then fails fast with 503', async () => {
    up.behaviour = (_req, res) => {
      res.writeHead(503).end();
      return true;
    };
    for (let i = 0; i < 2; i++) await call(gw.url, '/api/catalog/down'); // 3 attempts each: the breaker opens
    const before = up.requests;
    const started = Date.now();
    const res = await call(gw.url, '/api/catalog/down');
    assert.equal(res.status, 503);
    assert.equal(res.json().type, 'https://vitrine.dev/problems/upstream-unavailable');
    assert.ok(Number(res.headers['retry-after']) >= 1);
    assert.equal(up.requests, before, 'no request reached the upstream while open');
    assert.ok(Date.now() - started < 200);
    // Reset for the following tests: a reload with a changed upstream gets a fresh breaker.
    gw.gateway.reload(parseGatewayConfig(baseConfig(up, { upstreams: { catalog: { url: up.url, timeoutMs: 501 } } })));
  });

  it('reloads a changed config file without dropping the client connection', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gw-config-'));
    const file = path.join(dir, 'gateway.json');
    const client = new Client(gw.url, { pipelining: 1 });
    let connects = 0;
    client.on('connect', () => connects++);
    try {
      await writeFile(file, JSON.stringify(baseConfig(up)));
      gw.gateway.reload(await loadGatewayConfig(file));
      const stop = watchGatewayConfig(file, { onConfig: (c) => gw.gateway.reload(c), onError: () => undefined });
      const first = await client.request({ path: '/api/new/x', method: 'GET', headers: { host: HOST, 'user-agent': 't' } });
      await first.body.dump();
      assert.equal(first.statusCode, 404);
      // WHEN the operator adds a route to the mounted file
      const next = baseConfig(up);
      next.routes = [...(next.routes ?? []), { pathPrefix: '/api/new', service: 'catalog' }];
      await writeFile(file, JSON.stringify(next));
      let status = 404;
      for (let i = 0; i < 100 && status === 404; i++) {
        await sleep(50);
        const res = await client.request({ path: '/api/new/x', method: 'GET', headers: { host: HOST, 'user-agent': 't' } });
        await res.body.dump();
        status = res.statusCode;
      }
      stop();
      // THEN the new route answers on the same connection
      assert.equal(status, 200);
      assert.equal(connects, 1);
      // AND a broken edit is refused while the last good config stays
      await assert.rejects(loadGatewayConfig(path.join(dir, 'missing.json')), /cannot read gateway config/);
    } finally {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function scrapeMetrics(gw: TestGateway): Promise<string> {
  // Metrics are served on a non-shop host (the pod address the scraper uses).
  const res = await request(`${gw.url}/metrics`, { headers: { host: 'pod.local' } });
  return res.body.text();
}
