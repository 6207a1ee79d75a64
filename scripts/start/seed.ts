/**
 * Demo data for `npm start`: the catalog's demo products and stock for each of them, put in through
 * the services' own APIs as an admin whose password never leaves this process.
 */
import { randomBytes } from 'node:crypto';
import type { Service } from '../../services/kit/index.ts';
import { seedDemoCatalog, type CatalogService } from '../../services/catalog/service.ts';
import { SERVICE_PORTS } from './topology.ts';

const DEMO_STOCK_UNITS = 25;

async function call<T>(port: number, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Seeds the catalog and the stock of every product. */
export async function seedDemoShop(services: readonly Service[]): Promise<void> {
  const catalog = services.find((s) => s.name === 'catalog') as CatalogService | undefined;
  if (!catalog) throw new Error('catalog is not running');
  await seedDemoCatalog(catalog);

  const email = process.env.ADMIN_EMAILS?.split(',')[0]?.trim() ?? 'admin@vitrine.localhost';
  const password = randomBytes(18).toString('base64url');
  await call(SERVICE_PORTS.identity, 'POST', '/api/identity/register', { email, password, name: 'Vitrine admin' }).catch((err: Error) => {
    // A second start on the real engines finds the admin already registered; its password is gone with the
    // first process, so stock is left as it is.
    if (!/ 409:/.test(err.message)) throw err;
  });
  let token: string;
  try {
    token = (await call<{ accessToken: string }>(SERVICE_PORTS.identity, 'POST', '/api/identity/login', { email, password })).accessToken;
  } catch {
    return;
  }
  let page = 1;
  for (;;) {
    const list = await call<{ items: { sku: string }[]; total: number }>(SERVICE_PORTS.catalog, 'GET', `/api/catalog/products?page=${page}`);
    for (const p of list.items) {
      await call(SERVICE_PORTS.inventory, 'PUT', `/api/inventory/stock/${encodeURIComponent(p.sku)}`, { available: DEMO_STOCK_UNITS }, token);
    }
    if (list.items.length === 0 || page * list.items.length >= list.total) break;
    page++;
  }
}
