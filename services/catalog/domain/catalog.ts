/**
 * Catalog's rules: reads through a cache-aside layer (per product, and per result page under a
 * generation counter that one increment invalidates), writes that publish `product.updated` in
 * the same transaction, and invalidation when events say a product or its stock changed.
 * The cache is an optimization: when it fails, reads go to the database and a warning is logged,
 * and the cache is skipped for a few seconds so that each request does not wait out Redis retries.
 */
import { createHash } from 'node:crypto';
import { getJson, setJson, type Cache, type Db, type Logger, type Tx } from '../../kit/index.ts';
import { catalogErrors } from '../errors.ts';
import { findProduct, insertProduct, searchProducts, setStock, updateProduct } from '../data/products-repo.ts';
import type { Product, ProductInput, ProductPage } from './product.ts';
import { normalizeSearch } from './search-text.ts';

/** Data of `product.updated`. */
export interface ProductUpdatedData {
  readonly sku: string;
  readonly name: string;
  readonly price: { amount: number; currency: string };
  readonly active: boolean;
}

/** What the catalog rules need. */
export interface CatalogDeps {
  readonly db: Db;
  readonly cache: Cache;
  readonly log: Logger;
  readonly cacheTtlMs: number;
  readonly pageSize: number;
  /** Writes `product.updated` into the outbox in `tx`. */
  readonly publishUpdated: (tx: Tx, data: ProductUpdatedData) => Promise<unknown>;
}

const productKey = (sku: string) => `product:${sku}`;
const productGenerationKey = (sku: string) => `product-generation:${sku}`;
/** Bumped by every invalidation: cached pages carry it in their keys, so one increment orphans them all. */
const GENERATION_KEY = 'products:generation';
/** How long the cache is bypassed after it failed. */
export const CACHE_BYPASS_MS = 5_000;

/** Catalog reads and writes. */
export class ProductCatalog {
  private bypassUntil = 0;

  constructor(private readonly deps: CatalogDeps) {}

  /** A product by SKU (inactive ones too, so carts can tell they became unavailable). */
  async get(sku: string): Promise<Product> {
    const cached = await this.cached<Product>(productKey(sku));
    if (cached) return cached;
    const before = await this.generation(productGenerationKey(sku));
    const product = await findProduct(this.deps.db, sku);
    if (!product) throw catalogErrors.product_not_found(`no product with SKU ${sku}`);
    // An invalidation of this SKU while we read means our copy may be stale: do not cache it.
    if ((await this.generation(productGenerationKey(sku))) === before) await this.remember(productKey(sku), product);
    return product;
  }

  /** A page (1-based) of active products matching `query`. */
  async search(query: string, page: number): Promise<ProductPage> {
    const normalized = normalizeSearch(query);
    const generation = await this.generation(GENERATION_KEY);
    const digest = createHash('sha256').update(normalized).digest('base64url').slice(0, 22);
    const key = `products:${generation}:${page}:${digest}`;
    const cached = await this.cached<ProductPage>(key);
    if (cached) return cached;
    const size = this.deps.pageSize;
    const { items, total } = await searchProducts(this.deps.db, normalized, (page - 1) * size, size);
    const result: ProductPage = { items, page, pageSize: size, total };
    await this.remember(key, result);
    return result;
  }

  /** Creates a product; 409 when the SKU exists. */
  async create(sku: string, input: ProductInput): Promise<Product> {
    const product = await this.createIfAbsent(sku, input);
    if (!product) throw catalogErrors.sku_taken(`SKU ${sku} exists`);
    return product;
  }

  /** Creates a product unless the SKU exists (then returns undefined and changes nothing). */
  async createIfAbsent(sku: string, input: ProductInput): Promise<Product | undefined> {
    const product = await this.deps.db.tx(async (tx) => ((await insertProduct(tx, sku, input)) ? this.published(tx, sku) : undefined));
    if (product) await this.invalidate(sku);
    return product;
  }

  /** Creates or replaces a product; tells which happened. */
  async put(sku: string, input: ProductInput): Promise<{ product: Product; created: boolean }> {
    const result = await this.deps.db.tx(async (tx) => {
      const created = !(await updateProduct(tx, sku, input)) && (await insertProduct(tx, sku, input));
      return { product: await this.published(tx, sku), created };
    });
    // Invalidate now for read-your-writes; the product.updated handler does it again for other replicas.
    await this.invalidate(sku);
    return result;
  }

  /** Records inventory's stock figure in `tx` and invalidates after commit. */
  async applyStock(tx: Tx, sku: string, available: number): Promise<boolean> {
    const known = await setStock(tx, sku, available);
    tx.onCommit(() => void this.invalidate(sku));
    return known;
  }

  /** Forgets the cached product and every cached page. */
  async invalidate(sku: string): Promise<void> {
    // Entries expire by TTL anyway; a failed (or skipped) invalidation only delays freshness.
    await this.safely('invalidate', async () => {
      await this.deps.cache.del(productKey(sku));
      await this.deps.cache.incr(productGenerationKey(sku));
      await this.deps.cache.incr(GENERATION_KEY);
    });
  }

  private async published(tx: Tx, sku: string): Promise<Product> {
    const product = await findProduct(tx, sku);
    if (!product) throw catalogErrors.product_not_found(`no product with SKU ${sku}`);
    await this.deps.publishUpdated(tx, { sku, name: product.name, price: product.price, active: product.active });
    return product;
  }

  private async generation(key: string): Promise<string> {
    return (await this.safely('generation', async () => (await this.deps.cache.get(key)) ?? '0')) ?? 'nocache';
  }

  private async cached<T>(key: string): Promise<T | null> {
    return (await this.safely('read', () => getJson<T>(this.deps.cache, key))) ?? null;
  }

  private async remember(key: string, value: unknown): Promise<void> {
    await this.safely('write', () => setJson(this.deps.cache, key, value, { ttlMs: this.deps.cacheTtlMs }));
  }

  /** Runs a cache operation unless the cache failed recently; a failure opens the bypass. */
  private async safely<T>(what: string, op: () => Promise<T>): Promise<T | undefined> {
    if (Date.now() < this.bypassUntil) return undefined;
    try {
      return await op();
    } catch (err) {
      this.bypassUntil = Date.now() + CACHE_BYPASS_MS;
      this.deps.log.warn({ op: what, err: (err as Error).message, bypassMs: CACHE_BYPASS_MS }, 'cache failed; reading the database');
      return undefined;
    }
  }
}
