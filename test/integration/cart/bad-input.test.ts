/**
 * Bad input across identity, catalog and cart (issue 4): missing and mistyped fields, unknown SKUs,
 * oversized bodies, wrong content types. Each case must be the listed 4xx as
 * `application/problem+json` — never a 500. One table, run against the real services on the real
 * PostgreSQL and Redis.
 */
import assert from 'node:assert/strict';
import { http, signUp, startStack, uniqueName, type Stack } from '../identity/stack.ts';

type Service = 'identity' | 'catalog' | 'cart';
interface Case {
  readonly name: string;
  readonly service: Service;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** Sent as is (with `contentType`), instead of JSON. */
  readonly raw?: string;
  readonly contentType?: string;
  readonly auth?: 'user' | 'admin';
  readonly status: number;
  /** Expected problem `code`, when it matters. */
  readonly code?: string;
}

const BIG = 'x'.repeat(150 * 1024);
const product = { name: 'Produto', price: { amount: 1000, currency: 'BRL' } };

/** The table (listed in the closing note of issue 4). */
export const BAD_INPUT_CASES: readonly Case[] = [
  // identity
  { name: 'register: empty body', service: 'identity', method: 'POST', path: '/api/identity/register', body: {}, status: 400, code: 'validation_failed' },
  { name: 'register: no body at all', service: 'identity', method: 'POST', path: '/api/identity/register', status: 400 },
  { name: 'register: email is a number', service: 'identity', method: 'POST', path: '/api/identity/register', body: { email: 42, password: 'long enough', name: 'A' }, status: 400 },
  { name: 'register: email malformed', service: 'identity', method: 'POST', path: '/api/identity/register', body: { email: 'not-an-email', password: 'long enough', name: 'A' }, status: 400 },
  { name: 'register: password too short', service: 'identity', method: 'POST', path: '/api/identity/register', body: { email: 'a@example.org', password: 'short', name: 'A' }, status: 400 },
  { name: 'register: password too long (CPU guard)', service: 'identity', method: 'POST', path: '/api/identity/register', body: { email: 'a@example.org', password: 'p'.repeat(300), name: 'A' }, status: 400 },
  { name: 'register: name is an object', service: 'identity', method: 'POST', path: '/api/identity/register', body: { email: 'a@example.org', password: 'long enough', name: { first: 'A' } }, status: 400 },
  { name: 'register: body is an array', service: 'identity', method: 'POST', path: '/api/identity/register', body: [], status: 400 },
  { name: 'register: malformed JSON', service: 'identity', method: 'POST', path: '/api/identity/register', raw: '{"email":', contentType: 'application/json', status: 400, code: 'malformed_json' },
  { name: 'register: oversized body', service: 'identity', method: 'POST', path: '/api/identity/register', body: { email: 'a@example.org', password: 'long enough', name: BIG }, status: 413 },
  { name: 'register: text/plain', service: 'identity', method: 'POST', path: '/api/identity/register', raw: 'email=a', contentType: 'text/plain', status: 415 },
  { name: 'login: form-urlencoded', service: 'identity', method: 'POST', path: '/api/identity/login', raw: 'email=a&password=b', contentType: 'application/x-www-form-urlencoded', status: 415 },
  { name: 'login: password missing', service: 'identity', method: 'POST', path: '/api/identity/login', body: { email: 'a@example.org' }, status: 400 },
  { name: 'refresh: token missing', service: 'identity', method: 'POST', path: '/api/identity/refresh', body: {}, status: 400 },
  { name: 'refresh: token is a number', service: 'identity', method: 'POST', path: '/api/identity/refresh', body: { refreshToken: 12345 }, status: 400 },
  { name: 'logout: no token', service: 'identity', method: 'POST', path: '/api/identity/logout', status: 401 },
  { name: 'unknown identity route', service: 'identity', method: 'GET', path: '/api/identity/nope', status: 404 },
  // catalog
  { name: 'list: page 0', service: 'catalog', method: 'GET', path: '/api/catalog/products?page=0', status: 400 },
  { name: 'list: page not a number', service: 'catalog', method: 'GET', path: '/api/catalog/products?page=abc', status: 400 },
  { name: 'list: q twice (array)', service: 'catalog', method: 'GET', path: '/api/catalog/products?q=a&q=b', status: 400 },
  { name: 'list: q too long', service: 'catalog', method: 'GET', path: `/api/catalog/products?q=${'a'.repeat(101)}`, status: 400 },
  { name: 'product: unknown SKU', service: 'catalog', method: 'GET', path: '/api/catalog/products/NO-SUCH-SKU', status: 404, code: 'product_not_found' },
  { name: 'product: SKU with bad characters', service: 'catalog', method: 'GET', path: '/api/catalog/products/a%20b%3B', status: 400 },
  { name: 'create: anonymous', service: 'catalog', method: 'POST', path: '/api/catalog/products', body: { sku: 'X-1', ...product }, status: 401 },
  { name: 'create: customer, not admin', service: 'catalog', method: 'POST', path: '/api/catalog/products', body: { sku: 'X-1', ...product }, auth: 'user', status: 403 },
  { name: 'create: price missing', service: 'catalog', method: 'POST', path: '/api/catalog/products', body: { sku: 'X-1', name: 'P' }, auth: 'admin', status: 400 },
  { name: 'create: amount not an integer', service: 'catalog', method: 'POST', path: '/api/catalog/products', body: { sku: 'X-1', name: 'P', price: { amount: 10.5, currency: 'BRL' } }, auth: 'admin', status: 400 },
  { name: 'create: amount is a string', service: 'catalog', method: 'POST', path: '/api/catalog/products', body: { sku: 'X-1', name: 'P', price: { amount: '10', currency: 'BRL' } }, auth: 'admin', status: 400 },
  { name: 'create: currency not ISO 4217', service: 'catalog', method: 'POST', path: '/api/catalog/products', body: { sku: 'X-1', name: 'P', price: { amount: 10, currency: 'reais' } }, auth: 'admin', status: 400 },
  { name: 'create: negative stock', service: 'catalog', method: 'POST', path: '/api/catalog/products', body: { sku: 'X-1', ...product, stock: -1 }, auth: 'admin', status: 400 },
  { name: 'create: SKU exists', service: 'catalog', method: 'POST', path: '/api/catalog/products', body: { sku: 'CAFE-MG-500', ...product }, auth: 'admin', status: 409, code: 'sku_taken' },
  { name: 'create: oversized body', service: 'catalog', method: 'POST', path: '/api/catalog/products', body: { sku: 'X-1', ...product, description: BIG }, auth: 'admin', status: 413 },
  { name: 'create: text/plain', service: 'catalog', method: 'POST', path: '/api/catalog/products', raw: 'sku=X-1', contentType: 'text/plain', auth: 'admin', status: 415 },
  { name: 'replace: SKU in body differs from path', service: 'catalog', method: 'PUT', path: '/api/catalog/products/X-2', body: { sku: 'X-3', ...product }, auth: 'admin', status: 400, code: 'sku_mismatch' },
  { name: 'replace: active is a string', service: 'catalog', method: 'PUT', path: '/api/catalog/products/X-2', body: { ...product, active: 'yes' }, auth: 'admin', status: 400 },
  // cart
  { name: 'cart: anonymous', service: 'cart', method: 'GET', path: '/api/cart', status: 401 },
  { name: 'cart: malformed Authorization header', service: 'cart', method: 'GET', path: '/api/cart', status: 401 },
  { name: 'put item: unknown SKU', service: 'cart', method: 'PUT', path: '/api/cart/items/NO-SUCH-SKU', body: { quantity: 1 }, auth: 'user', status: 404, code: 'product_not_found' },
  { name: 'put item: quantity missing', service: 'cart', method: 'PUT', path: '/api/cart/items/CAFE-MG-500', body: {}, auth: 'user', status: 400 },
  { name: 'put item: no body at all', service: 'cart', method: 'PUT', path: '/api/cart/items/CAFE-MG-500', auth: 'user', status: 400 },
  { name: 'put item: quantity is a string', service: 'cart', method: 'PUT', path: '/api/cart/items/CAFE-MG-500', body: { quantity: '2' }, auth: 'user', status: 400 },
  { name: 'put item: quantity fractional', service: 'cart', method: 'PUT', path: '/api/cart/items/CAFE-MG-500', body: { quantity: 1.5 }, auth: 'user', status: 400 },
  { name: 'put item: quantity 0', service: 'cart', method: 'PUT', path: '/api/cart/items/CAFE-MG-500', body: { quantity: 0 }, auth: 'user', status: 400 },
  { name: 'put item: quantity above the maximum', service: 'cart', method: 'PUT', path: '/api/cart/items/CAFE-MG-500', body: { quantity: 100 }, auth: 'user', status: 400 },
  { name: 'put item: SKU with bad characters', service: 'cart', method: 'PUT', path: '/api/cart/items/%3Cscript%3E', body: { quantity: 1 }, auth: 'user', status: 400 },
  { name: 'put item: oversized body', service: 'cart', method: 'PUT', path: '/api/cart/items/CAFE-MG-500', body: { quantity: 1, pad: BIG }, auth: 'user', status: 413 },
  { name: 'put item: text/plain', service: 'cart', method: 'PUT', path: '/api/cart/items/CAFE-MG-500', raw: '1', contentType: 'text/plain', auth: 'user', status: 415 },
  { name: 'put item: malformed JSON', service: 'cart', method: 'PUT', path: '/api/cart/items/CAFE-MG-500', raw: '{quantity: 1}', contentType: 'application/json', auth: 'user', status: 400 },
  { name: 'delete item: SKU too long', service: 'cart', method: 'DELETE', path: `/api/cart/items/${'A'.repeat(65)}`, auth: 'user', status: 400 },
  { name: 'internal cart: user id too long', service: 'cart', method: 'GET', path: `/internal/carts/${'u'.repeat(129)}`, status: 400 },
];

describe('bad input on identity, catalog and cart → 4xx problem+json, never 500 (real PostgreSQL + Redis)', function () {
  this.timeout(60_000);
  let stack: Stack;
  const tokens: Record<'user' | 'admin', string> = { user: '', admin: '' };
  const adminEmail = `${uniqueName('admin')}@example.com`;

  before(async () => {
    stack = await startStack({ cart: true, identityEnv: { ADMIN_EMAILS: adminEmail } });
    tokens.user = (await signUp(stack.urls.identity)).accessToken;
    tokens.admin = (await signUp(stack.urls.identity, adminEmail)).accessToken;
  });
  after(() => stack?.stop());

  it(`answers every one of the ${BAD_INPUT_CASES.length} cases with its status as problem+json`, async () => {
    const failures: string[] = [];
    for (const c of BAD_INPUT_CASES) {
      const headers: Record<string, string> = {};
      if (c.contentType) headers['content-type'] = c.contentType;
      if (c.name.includes('malformed Authorization')) headers.authorization = 'Basic dXNlcjpwYXNz';
      const res = await http(c.method, `${stack.urls[c.service]}${c.path}`, {
        headers,
        ...(c.raw !== undefined ? { raw: c.raw } : {}),
        ...(c.body !== undefined ? { body: c.body } : {}),
        ...(c.auth ? { token: tokens[c.auth] } : {}),
      });
      const type = res.headers.get('content-type') ?? '';
      const problems: string[] = [];
      if (res.status !== c.status) problems.push(`status ${res.status}`);
      if (!type.startsWith('application/problem+json')) problems.push(`content-type ${type}`);
      if (res.body.status !== res.status) problems.push('problem.status differs');
      if (c.code && res.body.code !== c.code) problems.push(`code ${String(res.body.code)}`);
      if (problems.length > 0) failures.push(`${c.name}: ${problems.join(', ')} (expected ${c.status})`);
    }
    assert.deepEqual(failures, []);
  });

  it('serves an OpenAPI 3.1 document per service that names its public paths', async () => {
    const expected: Record<Service, string[]> = {
      identity: ['/api/identity/register', '/api/identity/login', '/api/identity/refresh', '/api/identity/logout', '/.well-known/jwks.json'],
      catalog: ['/api/catalog/products', '/api/catalog/products/{sku}'],
      cart: ['/api/cart', '/api/cart/items/{sku}', '/internal/carts/{userId}'],
    };
    for (const [service, paths] of Object.entries(expected) as [Service, string[]][]) {
      const doc = await http('GET', `${stack.urls[service]}/openapi.json`);
      assert.equal(doc.body.openapi, '3.1.0', service);
      for (const path of paths) assert.ok(path in (doc.body.paths as object), `${service} documents ${path}`);
    }
  });

  it('lists each validation issue by path', async () => {
    const res = await http('POST', `${stack.urls.identity}/api/identity/register`, { body: { email: 1 } });
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path).sort();
    assert.deepEqual(paths, ['email', 'name', 'password']);
  });
});
