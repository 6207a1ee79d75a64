/**
 * Redis down (DESIGN.md §8): on a private redis-server that the test stops and starts again.
 * Identity fails closed where it needs Redis (login back-off, revocation list) with 503, and keeps
 * working where it does not (register, refresh); catalog serves from PostgreSQL; cart answers 503.
 * Nothing is a 500, and everything works again once Redis is back.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { http, signUp, startStack, uniqueName, type Stack } from '../identity/stack.ts';

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  s.close();
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const until = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return child;
    if (Date.now() > until) throw new Error(`redis-server did not start on port ${port}`);
    await sleep(50);
  }
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

describe('Redis down: identity, catalog and cart answer 503 or degrade, never 500', function () {
  this.timeout(60_000);
  let stack: Stack;
  let redis: ChildProcess;
  let port: number;
  let user: Awaited<ReturnType<typeof signUp>>;
  const adminEmail = `${uniqueName('admin')}@example.com`;

  before(async () => {
    port = await freePort();
    redis = await startRedis(port);
    stack = await startStack({ cart: true, quiet: true, redisUrl: `redis://127.0.0.1:${port}`, identityEnv: { ADMIN_EMAILS: adminEmail } });
    user = await signUp(stack.urls.identity);
    assert.equal((await http('PUT', `${stack.urls.cart}/api/cart/items/CAFE-MG-500`, { token: user.accessToken, body: { quantity: 1 } })).status, 200);
    await stopRedis(redis);
  });
  after(async () => {
    if (redis.exitCode !== null) redis = await startRedis(port);
    await stack?.stop();
    await stopRedis(redis);
  });

  it('while Redis is down: 503 within the cache time limit where Redis is needed, service where it is not', async () => {
    const t0 = Date.now();
    const login = await http('POST', `${stack.urls.identity}/api/identity/login`, { body: { email: user.email, password: user.password } });
    assert.equal(login.status, 503, 'login cannot check its back-off: fail closed');
    assert.equal(login.headers.get('retry-after'), '5');
    assert.ok(Date.now() - t0 < 1_500, `answered in ${Date.now() - t0} ms, not after Redis's reconnect back-off`);
    assert.match(login.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal((await http('GET', `${stack.urls.identity}/api/identity/me`, { token: user.accessToken })).status, 503, 'revocation list unknown: fail closed');
    assert.equal((await signUp(stack.urls.identity).catch((e: Error) => e)) instanceof Error, true, 'sign-up = register + login, login is 503');
    const register = await http('POST', `${stack.urls.identity}/api/identity/register`, { body: { email: `${uniqueName('r')}@example.com`, password: 'long enough', name: 'R' } });
    assert.equal(register.status, 201, 'registration needs no Redis');
    assert.equal((await http('POST', `${stack.urls.identity}/api/identity/refresh`, { body: { refreshToken: user.refreshToken } })).status, 200, 'refresh needs no Redis');

    const started = Date.now();
    const product = await http('GET', `${stack.urls.catalog}/api/catalog/products/CAFE-MG-500`);
    assert.equal(product.status, 200, 'catalog reads PostgreSQL');
    const list = await http('GET', `${stack.urls.catalog}/api/catalog/products?q=cafe`);
    assert.equal(list.body.total, 1);
    assert.ok(Date.now() - started < 1_500, 'the cache time limit and bypass keep reads fast');

    const cart = await http('GET', `${stack.urls.cart}/api/cart`, { token: user.accessToken });
    assert.equal(cart.status, 503);
    assert.equal((await http('GET', `${stack.urls.cart}/internal/carts/${user.id}`)).status, 503);
  });

  it('once Redis is back', async () => {
    redis = await startRedis(port);
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await http('POST', `${stack.urls.identity}/api/identity/login`, { body: { email: user.email, password: user.password } })).status;
      if (status !== 200) await sleep(200);
    }
    assert.equal(status, 200, 'login works again');
    // This Redis restarted empty (no persistence): the cart is gone, but cart works.
    assert.equal((await http('PUT', `${stack.urls.cart}/api/cart/items/CAFE-MG-500`, { token: user.accessToken, body: { quantity: 2 } })).status, 200);
  });
});
