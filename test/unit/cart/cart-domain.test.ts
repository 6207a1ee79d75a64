/**
 * Cart rules on the in-process cache (the same contract as Redis): snapshots, limits, removal,
 * product updates, and the view orders reads.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createMemoryCache, isAppError, type Cache } from '../../../services/kit/index.ts';
import { applyProductUpdate, clearCart, readCart, removeItem, setItem, type CatalogLookup, type ProductSnapshot } from '../../../services/cart/domain/cart.ts';
import { httpCatalogLookup } from '../../../services/cart/data/catalog-client.ts';

const products: Record<string, ProductSnapshot> = {
  A: { sku: 'A', name: 'Café', price: { amount: 1000, currency: 'BRL' }, active: true },
  B: { sku: 'B', name: 'Rede', price: { amount: 25000, currency: 'BRL' }, active: true },
  OFF: { sku: 'OFF', name: 'Fora de linha', price: { amount: 100, currency: 'BRL' }, active: false },
  USD: { sku: 'USD', name: 'Imported', price: { amount: 500, currency: 'USD' }, active: true },
};
const lookup: CatalogLookup = async (sku) => products[sku] ?? null;
const limits = { ttlMs: 60_000, maxLines: 2 };

function code(err: unknown): string | undefined {
  return isAppError(err) ? err.code : undefined;
}

describe('cart domain', () => {
  let cache: Cache;
  beforeEach(() => {
    cache = createMemoryCache();
  });
  afterEach(() => cache.close());

  it('snapshots name and price, sums the total, and sets the expiry', async () => {
    await setItem(cache, lookup, limits, 'u1', 'A', 2);
    const view = await setItem(cache, lookup, limits, 'u1', 'B', 1);
    assert.deepEqual(view, {
      items: [
        { sku: 'A', name: 'Café', quantity: 2, unitPrice: { amount: 1000, currency: 'BRL' }, available: true },
        { sku: 'B', name: 'Rede', quantity: 1, unitPrice: { amount: 25000, currency: 'BRL' }, available: true },
      ],
      total: { amount: 27000, currency: 'BRL' },
    });
    assert.deepEqual(await readCart(cache, 'u1'), view);
    const ttl = await cache.ttl('cart:u1');
    assert.ok(ttl > 59_000 && ttl <= 60_000);
  });

  it('updates a quantity in place, keeping the line order', async () => {
    await setItem(cache, lookup, limits, 'u1', 'A', 1);
    await setItem(cache, lookup, limits, 'u1', 'B', 1);
    const view = await setItem(cache, lookup, limits, 'u1', 'A', 5);
    assert.deepEqual(view.items.map((i) => [i.sku, i.quantity]), [['A', 5], ['B', 1]]);
  });

  it('refuses unknown (404), withdrawn (409), a full cart (409) and a second currency (409)', async () => {
    await assert.rejects(setItem(cache, lookup, limits, 'u1', 'NOPE', 1), (e) => code(e) === 'product_not_found');
    await assert.rejects(setItem(cache, lookup, limits, 'u1', 'OFF', 1), (e) => code(e) === 'product_unavailable');
    await setItem(cache, lookup, limits, 'u1', 'A', 1);
    await assert.rejects(setItem(cache, lookup, limits, 'u1', 'USD', 1), (e) => code(e) === 'currency_mismatch');
    await setItem(cache, lookup, limits, 'u1', 'B', 1);
    await assert.rejects(setItem(cache, lookup, { ...limits, maxLines: 2 }, 'u1', 'USD', 1), (e) => code(e) === 'cart_full');
  });

  it('applies product.updated to the carts holding the SKU, keeping the snapshot price and TTL', async () => {
    await setItem(cache, lookup, limits, 'u1', 'A', 1);
    await setItem(cache, lookup, limits, 'u2', 'A', 3);
    await setItem(cache, lookup, limits, 'u3', 'B', 1);
    await cache.expire('cart:u1', 5_000);
    assert.equal(await applyProductUpdate(cache, limits, { sku: 'A', name: 'Café Novo', active: false }), 2);
    const u1 = await readCart(cache, 'u1');
    assert.deepEqual(u1.items[0], { sku: 'A', name: 'Café Novo', quantity: 1, unitPrice: { amount: 1000, currency: 'BRL' }, available: false });
    assert.ok((await cache.ttl('cart:u1')) <= 5_000, 'an update does not extend a forgotten cart');
    assert.equal((await readCart(cache, 'u3')).items[0]?.name, 'Rede');
    assert.equal(await applyProductUpdate(cache, limits, { sku: 'A', name: 'Café Novo', active: false }), 0, 'idempotent');
  });

  it('drops index entries of carts that no longer hold the SKU', async () => {
    await setItem(cache, lookup, limits, 'u1', 'A', 1);
    await cache.del('cart:u1');
    assert.equal(await applyProductUpdate(cache, limits, { sku: 'A', name: 'X', active: true }), 0);
    assert.deepEqual(await cache.hgetall('sku-carts:A'), {});
    assert.equal(await cache.ttl('cart:u1'), -2, 'no cart was recreated');
  });

  it('removes lines and clears carts with their index entries', async () => {
    await setItem(cache, lookup, limits, 'u1', 'A', 1);
    await setItem(cache, lookup, limits, 'u1', 'B', 1);
    assert.deepEqual((await removeItem(cache, limits, 'u1', 'A')).items.map((i) => i.sku), ['B']);
    await clearCart(cache, 'u1');
    assert.deepEqual(await readCart(cache, 'u1'), { items: [], total: { amount: 0, currency: 'BRL' } });
    assert.deepEqual(await cache.hgetall('sku-carts:B'), {});
  });
});

describe('cart: catalog over HTTP', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      const sku = decodeURIComponent(String(req.url).split('/').pop() ?? '');
      if (sku === 'A') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sku: 'A', name: 'Café', price: { amount: 1000, currency: 'BRL' }, active: true, stock: 3 }));
      else if (sku === 'BOOM') res.writeHead(500).end('boom');
      else if (sku === 'SLOW') setTimeout(() => res.writeHead(200).end('{}'), 500);
      else res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('maps 200 to a snapshot, 404 to null, and 5xx, timeouts and refused connections to 503', async () => {
    const lookupHttp = httpCatalogLookup(base, 200);
    assert.deepEqual(await lookupHttp('A'), { sku: 'A', name: 'Café', price: { amount: 1000, currency: 'BRL' }, active: true });
    assert.equal(await lookupHttp('MISSING'), null);
    const unavailable = (e: unknown) => isAppError(e) && e.status === 503;
    await assert.rejects(lookupHttp('BOOM'), unavailable);
    await assert.rejects(lookupHttp('SLOW'), unavailable);
    await assert.rejects(httpCatalogLookup('http://127.0.0.1:1', 200)('A'), unavailable);
  });
});
