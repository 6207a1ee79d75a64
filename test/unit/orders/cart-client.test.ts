/**
 * The cart client against a local HTTP server: the contract's document, retries of brief 5xx, a
 * 503 problem when cart stays down, 409 for unavailable products, an empty cart for 404.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createLogger, isAppError } from '../../../services/kit/index.ts';
import { httpCartClient } from '../../../services/orders/http/cart-client.ts';

describe('orders cart client', () => {
  let server: Server;
  let base: string;
  const answers: { status: number; body?: unknown }[] = [];
  let calls = 0;
  const log = createLogger({ name: 'cart-client-test', level: 'silent' });

  before(async () => {
    server = createServer((req, res) => {
      calls++;
      const a = answers.shift() ?? { status: 500 };
      res.statusCode = a.status;
      res.setHeader('content-type', 'application/json');
      res.end(a.body === undefined ? '{}' : JSON.stringify(a.body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
  });
  beforeEach(() => {
    answers.length = 0;
    calls = 0;
  });

  const line = { sku: 'A', name: 'Thing', quantity: 2, unitPrice: { amount: 990, currency: 'BRL' }, available: true };

  it('reads the contract document and retries a brief 5xx', async () => {
    answers.push({ status: 503 }, { status: 200, body: { items: [line], total: { amount: 1980, currency: 'BRL' } } });
    const lines = await httpCartClient(base, 1_000, log).get('u1');
    assert.deepEqual(lines, [{ sku: 'A', name: 'Thing', quantity: 2, unitPrice: { amount: 990, currency: 'BRL' } }]);
    assert.equal(calls, 2);
  });

  it('answers 503 cart_unavailable when cart stays down', async () => {
    await assert.rejects(httpCartClient(base, 1_000, log).get('u1'), (e: unknown) => isAppError(e) && e.status === 503 && e.code === 'cart_unavailable');
    assert.equal(calls, 3);
  });

  it('treats 404 as an empty cart and refuses unavailable products', async () => {
    answers.push({ status: 404 });
    assert.deepEqual(await httpCartClient(base, 1_000, log).get('u1'), []);
    answers.push({ status: 200, body: { items: [{ ...line, available: false }], total: { amount: 0, currency: 'BRL' } } });
    await assert.rejects(httpCartClient(base, 1_000, log).get('u1'), (e: unknown) => isAppError(e) && e.status === 409);
  });
});
