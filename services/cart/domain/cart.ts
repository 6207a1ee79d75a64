/**
 * The cart of one user, kept in the cache as a hash `cart:<userId>` with one field per SKU (a JSON
 * line holding the quantity and the name and price snapshot taken when the line was written). The
 * hash expires after a period without writes. A second hash per SKU, `sku-carts:<sku>`, lists the
 * carts holding it, so that `product.updated` can reach them without scanning keys.
 *
 * `readCart` and `clearCart` are what orders uses (over HTTP, or in process with cart's cache).
 */
import type { Cache } from '../../kit/index.ts';
import { cartErrors } from '../errors.ts';

/** Money in integer minor units. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** One line as stored. */
export interface CartLine {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  /** Price when the line was written (the snapshot). */
  readonly unitPrice: Money;
  /** False once catalog withdrew the product; orders must refuse such a line. */
  readonly available: boolean;
  readonly addedAt: string;
}

/** The cart as callers see it (the contract with orders). */
export interface CartView {
  readonly items: { sku: string; name: string; quantity: number; unitPrice: Money; available: boolean }[];
  /** Sum of every line, unavailable ones included. */
  readonly total: Money;
}

/** What catalog says about a SKU; null when it does not know it. */
export interface ProductSnapshot {
  readonly sku: string;
  readonly name: string;
  readonly price: Money;
  readonly active: boolean;
}

/** Looks a SKU up in catalog (HTTP, or a function under `npm start`). */
export type CatalogLookup = (sku: string) => Promise<ProductSnapshot | null>;

/** Limits of a cart. */
export interface CartLimits {
  readonly ttlMs: number;
  readonly maxLines: number;
}

/** Currency of an empty cart. */
export const DEFAULT_CURRENCY = 'BRL';

const cartKey = (userId: string) => `cart:${userId}`;
const skuIndexKey = (sku: string) => `sku-carts:${sku}`;

function parseLines(raw: Record<string, string>): CartLine[] {
  const lines: CartLine[] = [];
  for (const value of Object.values(raw)) {
    try {
      lines.push(JSON.parse(value) as CartLine);
    } catch {
      // A corrupt field is dropped rather than failing the whole cart.
    }
  }
  return lines.sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.sku.localeCompare(b.sku));
}

/** The view of stored lines. */
export function viewOf(lines: readonly CartLine[]): CartView {
  const currency = lines[0]?.unitPrice.currency ?? DEFAULT_CURRENCY;
  const amount = lines.reduce((sum, l) => sum + l.unitPrice.amount * l.quantity, 0);
  return {
    items: lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice, available: l.available })),
    total: { amount, currency },
  };
}

/** Reads the cart of `userId` from cart's cache; an absent or expired cart is empty. */
export async function readCart(cache: Cache, userId: string): Promise<CartView> {
  return viewOf(parseLines(await cache.hgetall(cartKey(userId))));
}

/** Empties the cart of `userId` (after an order is placed). */
export async function clearCart(cache: Cache, userId: string): Promise<void> {
  const lines = parseLines(await cache.hgetall(cartKey(userId)));
  await cache.del(cartKey(userId));
  for (const line of lines) await cache.hdel(skuIndexKey(line.sku), userId);
}

/**
 * Sets the quantity of `sku`, taking a fresh name and price snapshot from catalog.
 * @throws product_not_found for a SKU catalog does not know, product_unavailable for a withdrawn one
 */
export async function setItem(cache: Cache, lookup: CatalogLookup, limits: CartLimits, userId: string, sku: string, quantity: number): Promise<CartView> {
  const product = await lookup(sku);
  if (!product) throw cartErrors.product_not_found(`no product with SKU ${sku}`);
  if (!product.active) throw cartErrors.product_unavailable(`${sku} is not for sale`);
  const key = cartKey(userId);
  const lines = parseLines(await cache.hgetall(key));
  const existing = lines.find((l) => l.sku === sku);
  if (!existing && lines.length >= limits.maxLines) throw cartErrors.cart_full(`a cart holds at most ${limits.maxLines} products`);
  const others = lines.filter((l) => l.sku !== sku);
  if (others[0] && others[0].unitPrice.currency !== product.price.currency) {
    throw cartErrors.currency_mismatch(`the cart is in ${others[0].unitPrice.currency}, ${sku} in ${product.price.currency}`);
  }
  const line: CartLine = {
    sku,
    name: product.name,
    quantity,
    unitPrice: product.price,
    available: true,
    addedAt: existing?.addedAt ?? new Date().toISOString(),
  };
  await cache.hset(key, { [sku]: JSON.stringify(line) });
  await cache.expire(key, limits.ttlMs);
  await cache.hset(skuIndexKey(sku), { [userId]: '1' });
  await cache.expire(skuIndexKey(sku), limits.ttlMs);
  return viewOf([...others, line].sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.sku.localeCompare(b.sku)));
}

/** Removes `sku` from the cart (a no-op when absent). */
export async function removeItem(cache: Cache, limits: CartLimits, userId: string, sku: string): Promise<CartView> {
  const key = cartKey(userId);
  if ((await cache.hdel(key, sku)) > 0) await cache.expire(key, limits.ttlMs);
  await cache.hdel(skuIndexKey(sku), userId);
  return readCart(cache, userId);
}

/**
 * Applies catalog's `product.updated` to every cart holding the SKU: the name follows catalog and
 * a withdrawn product is flagged unavailable. The price snapshot stays as the shopper saw it.
 * Returns how many carts changed.
 */
export async function applyProductUpdate(cache: Cache, limits: Pick<CartLimits, 'ttlMs'>, update: { sku: string; name: string; active: boolean }): Promise<number> {
  const index = skuIndexKey(update.sku);
  let changed = 0;
  for (const userId of Object.keys(await cache.hgetall(index))) {
    const key = cartKey(userId);
    const raw = await cache.hget(key, update.sku);
    if (raw === null) {
      // The cart expired or the line went: drop the stale index entry.
      await cache.hdel(index, userId);
      continue;
    }
    const line = JSON.parse(raw) as CartLine;
    if (line.name === update.name && line.available === update.active) continue;
    // hset keeps the hash's TTL, so a catalog change does not extend a forgotten cart.
    await cache.hset(key, { [update.sku]: JSON.stringify({ ...line, name: update.name, available: update.active }) });
    // If the cart expired between the read and the write, hset made a new hash without a TTL.
    if ((await cache.ttl(key)) === -1) await cache.expire(key, limits.ttlMs);
    changed += 1;
  }
  return changed;
}
