/**
 * Catalog on the real PostgreSQL and Redis: the demo seed, accent-insensitive search with paging,
 * admin-only writes that publish `product.updated`, Redis cache-aside with TTL, and invalidation
 * when `stock.changed` arrives.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { catalog as eventCatalog, createEvent, toWire } from '../../../services/kit/index.ts';
import { DEMO_PRODUCTS, seedDemoCatalog } from '../../../services/catalog/service.ts';
import { http, signUp, startStack, uniqueName, type Stack } from '../identity/stack.ts';

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('catalog (real PostgreSQL + Redis)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let admin: string;
  const adminEmail = `${uniqueName('admin')}@example.com`;
  const base = () => `${stack.urls.catalog}/api/catalog`;
  const redisKey = (key: string) => `${stack.names.catalog}:${key}`;

  before(async () => {
    stack = await startStack({ catalog: true, identityEnv: { ADMIN_EMAILS: adminEmail }, catalogEnv: { CATALOG_PAGE_SIZE: '5', CATALOG_CACHE_TTL_MS: '30000' } });
    admin = (await signUp(stack.urls.identity, adminEmail)).accessToken;
    // The seed's product.updated events come back to catalog and invalidate; let them land first so
    // that the cache assertions below see a quiet cache.
    await waitFor('the seed events to be handled', async () => {
      const r = await stack.pg.query<{ n: number }>(`select count(*)::int as n from ${stack.names.catalog}.inbox where event_type = 'product.updated'`);
      return (r.rows[0]?.n ?? 0) >= 12;
    });
  });
  after(() => stack?.stop());

  it('seeds twelve BRL demo products once (a second seed adds nothing)', async () => {
    assert.equal(DEMO_PRODUCTS.length, 12);
    assert.ok(DEMO_PRODUCTS.every((p) => p.price.currency === 'BRL' && Number.isInteger(p.price.amount)));
    assert.equal(await seedDemoCatalog(stack.catalog!), 0);
    const page = await http('GET', `${base()}/products`);
    assert.equal(page.body.total, 12);
  });

  it('pages the list: {items, page, total}', async () => {
    const pages = await Promise.all([1, 2, 3, 4].map((p) => http('GET', `${base()}/products?page=${p}`)));
    assert.deepEqual(pages.map((p) => (p.body.items as unknown[]).length), [5, 5, 2, 0]);
    assert.ok(pages.every((p, i) => p.body.total === 12 && p.body.page === i + 1));
    const skus = pages.flatMap((p) => (p.body.items as { sku: string }[]).map((i) => i.sku));
    assert.equal(new Set(skus).size, 12, 'no product on two pages');
  });

  it('searches without regard to accents or case, and treats % literally', async () => {
    const names = async (q: string) => ((await http('GET', `${base()}/products?q=${encodeURIComponent(q)}`)).body.items as { sku: string }[]).map((i) => i.sku);
    assert.deepEqual(await names('acai'), ['ACAI-POLPA-1KG']);
    assert.deepEqual(await names('AÇAÍ'), ['ACAI-POLPA-1KG']);
    assert.deepEqual(await names('cafe especial'), ['CAFE-MG-500']);
    assert.deepEqual((await names('chimarrao')).sort(), ['CUIA-CHIMARRAO', 'ERVA-MATE-1KG']);
    assert.deepEqual(await names('%'), []);
  });

  it('serves a product from Redis (cache-aside with TTL) until a write invalidates it', async () => {
    const sku = 'DOCE-LEITE-400';
    const first = await http('GET', `${base()}/products/${sku}`);
    assert.equal(first.status, 200);
    const ttl = await stack.redis.pttl(redisKey(`product:${sku}`));
    assert.ok(ttl > 0 && ttl <= 30_000, `cached with a TTL (got ${ttl})`);
    // Change the row behind the cache's back: the cached copy must still be served.
    await stack.pg.query(`update ${stack.names.catalog}.products set name = 'Changed behind the cache' where sku = $1`, [sku]);
    assert.equal((await http('GET', `${base()}/products/${sku}`)).body.name, first.body.name);

    const put = await http('PUT', `${base()}/products/${sku}`, { token: admin, body: { name: 'Doce de Leite Viçosa', price: { amount: 2190, currency: 'BRL' } } });
    assert.equal(put.status, 200);
    const after = await http('GET', `${base()}/products/${sku}`);
    assert.equal(after.body.name, 'Doce de Leite Viçosa');
    assert.deepEqual(after.body.price, { amount: 2190, currency: 'BRL' });
    assert.equal(after.body.stock, 150, 'a PUT without stock keeps the figure');
    const events = await stack.pg.query<{ value: string }>(`select value from ${stack.names.catalog}.outbox where event_type = 'product.updated' and key = $1 order by id desc limit 1`, [sku]);
    assert.deepEqual(JSON.parse(String(events.rows[0]?.value)), { sku, name: 'Doce de Leite Viçosa', price: { amount: 2190, currency: 'BRL' }, active: true });
  });

  it('lets only admins write; PUT of a new SKU creates it; an inactive product leaves the list', async () => {
    const customer = (await signUp(stack.urls.identity)).accessToken;
    const body = { name: 'Rapadura 500 g', price: { amount: 990, currency: 'BRL' } };
    assert.equal((await http('PUT', `${base()}/products/RAPADURA-500`, { token: customer, body })).status, 403);
    assert.equal((await http('PUT', `${base()}/products/RAPADURA-500`, { token: admin, body })).status, 201);
    assert.equal((await http('GET', `${base()}/products?q=rapadura`)).body.total, 1);
    assert.equal((await http('PUT', `${base()}/products/RAPADURA-500`, { token: admin, body: { ...body, active: false } })).status, 200);
    assert.equal((await http('GET', `${base()}/products?q=rapadura`)).body.total, 0, 'list cache invalidated and inactive hidden');
    const one = await http('GET', `${base()}/products/RAPADURA-500`);
    assert.equal(one.body.active, false, 'still readable by SKU, flagged');
    const created = await http('POST', `${base()}/products`, { token: admin, body: { sku: 'QUEIJO-CANASTRA', ...body, name: 'Queijo Canastra' } });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/api/catalog/products/QUEIJO-CANASTRA');
  });

  it('records stock.changed and invalidates the cached product', async () => {
    const sku = 'GUARANA-PO-100';
    assert.equal((await http('GET', `${base()}/products/${sku}`)).body.stock, 90);
    assert.ok((await stack.redis.exists(redisKey(`product:${sku}`))) === 1);
    const event = createEvent(eventCatalog, '/vitrine/inventory', { type: 'stock.changed', data: { sku, available: 7 } });
    await stack.transport.send([toWire(eventCatalog, event)]);
    await waitFor('the new stock figure', async () => (await http('GET', `${base()}/products/${sku}`)).body.stock === 7);
    const inbox = await stack.pg.query(`select 1 from ${stack.names.catalog}.inbox where event_id = $1`, [event.id]);
    assert.equal(inbox.rowCount, 1, 'handled once, recorded in the inbox');
  });

  it('serves its OpenAPI document', async () => {
    const doc = await http('GET', `${stack.urls.catalog}/openapi.json`);
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(Object.keys(doc.body.paths as object).includes('/api/catalog/products/{sku}'));
  });
});
