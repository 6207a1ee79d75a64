/**
 * Catalog over HTTP: `GET {CATALOG_URL}/api/catalog/products/:sku`. A 404 (or a 400 for a SKU
 * catalog finds malformed) means "no such product"; anything else that is not a 200 — or no answer
 * within the timeout — is a 503, because the shopper's request was fine.
 */
import { currentContext, CORRELATION_HEADER } from '../../kit/index.ts';
import { cartErrors } from '../errors.ts';
import type { CatalogLookup, ProductSnapshot } from '../domain/cart.ts';

/** Creates a lookup against catalog at `baseUrl`. */
export function httpCatalogLookup(baseUrl: string, timeoutMs: number): CatalogLookup {
  const base = baseUrl.replace(/\/+$/, '');
  return async (sku) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    const correlationId = currentContext()?.correlationId;
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    let res: Response;
    try {
      res = await fetch(`${base}/api/catalog/products/${encodeURIComponent(sku)}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw cartErrors.catalog_unavailable('catalog did not answer', {}, { cause: err });
    }
    if (res.status === 404 || res.status === 400) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw cartErrors.catalog_unavailable(`catalog answered ${res.status}`);
    }
    const body = (await res.json()) as Partial<ProductSnapshot>;
    if (typeof body.name !== 'string' || typeof body.price?.amount !== 'number' || typeof body.price.currency !== 'string') {
      throw cartErrors.catalog_unavailable('catalog answered an unexpected product shape');
    }
    return { sku, name: body.name, price: { amount: body.price.amount, currency: body.price.currency }, active: body.active !== false };
  };
}
