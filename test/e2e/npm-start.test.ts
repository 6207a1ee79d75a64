/**
 * `npm start` as a newcomer meets it: the whole shop on embedded defaults, then the README's
 * walkthrough through the gateway — register, sign in, cart, checkout, order confirmed with a
 * tracking link, the tracking page on the tracking host and the redirect from the shop host —
 * and Ctrl-C stopping everything cleanly.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '0.0.0.0', () => {
      const { port: bound } = srv.address() as { port: number };
      srv.close(() => resolve(bound));
    });
  });
}

/**
 * A base for the nine services' ports (base+1..+9) and the gateway's (base+10), below Linux's ephemeral range (32768+), where
 * outgoing connections to the engines would otherwise take a port the shop then cannot listen on;
 * each port is checked free.
 */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      for (let k = 1; k <= 10; k++) await freePort(base + k);
      return base;
    } catch {
      // one of them is taken: try another base
    }
  }
  throw new Error('no free range of 10 ports between 20000 and 32000');
}

describe('npm start (embedded defaults) and the README walkthrough', function () {
  this.timeout(180_000);
  let child: ChildProcess | undefined;
  let output = '';
  let base = '';
  let gatewayPort = 0;

  before(async () => {
    // The nine services take VITRINE_PORT_BASE+1..+9, the gateway PORT.
    const portBase = await freePortBase();
    gatewayPort = portBase + 10;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(gatewayPort), VITRINE_PORT_BASE: String(portBase), LOG_LEVEL: 'warn' };
    child = spawn(path.resolve('node_modules/.bin/tsx'), ['scripts/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (b: Buffer) => { output += b.toString(); });
    child.stderr?.on('data', (b: Buffer) => { output += b.toString(); });
    const deadline = Date.now() + 120_000;
    while (!output.includes('Vitrine is running')) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
      await sleep(200);
    }
    base = `http://127.0.0.1:${gatewayPort}`;
  });

  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(output.split('\n').slice(-40).join('\n'));
  });

  /** fetch() may not set Host; the gateway routes by it, so these requests go through node:http. */
  function get(p: string, host: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: gatewayPort, path: p, headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  async function json(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  it('walks a shopper from sign-up to the tracking page through the gateway', async () => {
    const email = `ana.${randomUUID().slice(0, 8)}@example.com`;
    const password = 'correct horse battery';
    const reg = await json('POST', '/api/identity/register', { email, password, name: 'Ana' });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const login = await json('POST', '/api/identity/login', { email, password });
    assert.equal(login.status, 200);
    const auth = { authorization: `Bearer ${login.body.accessToken as string}` };

    const products = await json('GET', '/api/catalog/products');
    assert.equal(products.status, 200);
    assert.ok(products.body.items.length > 0, 'the demo catalog is seeded');
    const sku = products.body.items[0].sku as string;
    const cart = await json('PUT', `/api/cart/items/${encodeURIComponent(sku)}`, { quantity: 2 }, auth);
    assert.equal(cart.status, 200, JSON.stringify(cart.body));

    const placed = await json('POST', '/api/orders', {
      payment: { method: 'card', token: 'tok_approve' },
      shippingAddress: { name: 'Ana', line1: 'Rua Augusta, 100', city: 'São Paulo', state: 'SP', postalCode: '01305-000', country: 'BR' },
    }, { ...auth, 'idempotency-key': randomUUID() });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));

    let order: { status: string; trackingUrl?: string } = { status: '' };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      order = (await json('GET', `/api/orders/${placed.body.id as string}`, undefined, auth)).body;
      if (order.trackingUrl) break;
      await sleep(250);
    }
    assert.ok(order.trackingUrl, `the order got a tracking link (status ${order.status})`);
    const token = new URL(order.trackingUrl).searchParams.get('h');
    assert.ok(token);

    const page = await get(`/?h=${encodeURIComponent(token)}`, 'rastreio.localhost');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /<html lang="pt-BR"/i);

    const redirect = await get(`/rastreio?${encodeURIComponent(token)}`, 'localhost');
    assert.equal(redirect.status, 302);
    assert.equal(new URL(String(redirect.headers.location)).searchParams.get('h'), token);
  });

  it('stops cleanly on Ctrl-C', async () => {
    child?.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => {
      if (child?.exitCode !== null) resolve(child?.exitCode ?? null);
      else child.once('exit', (c) => resolve(c));
    });
    assert.equal(code, 0, output.split('\n').slice(-10).join('\n'));
    assert.match(output, /stopped cleanly/);
  });
});
