/**
 * SQL of the products table.
 */
import type { Queryable } from '../../kit/index.ts';
import type { Product, ProductInput } from '../domain/product.ts';
import { escapeLike, normalizeSearch } from '../domain/search-text.ts';

interface Raw {
  sku: string;
  name: string;
  description: string;
  price_amount: number;
  currency: string;
  stock: number | null;
  active: boolean;
}

const COLUMNS = 'sku, name, description, price_amount, currency, stock, active';

function toProduct(r: Raw): Product {
  return {
    sku: r.sku,
    name: r.name,
    description: r.description,
    price: { amount: Number(r.price_amount), currency: r.currency },
    ...(r.stock === null ? {} : { stock: Number(r.stock) }),
    active: r.active,
  };
}

function searchText(p: ProductInput & { sku: string }): string {
  return normalizeSearch(`${p.sku} ${p.name} ${p.description ?? ''}`);
}

/** One product (active or not). */
export async function findProduct(q: Queryable, sku: string): Promise<Product | undefined> {
  const r = await q.query<Raw>(`select ${COLUMNS} from products where sku = $1`, [sku]);
  return r.rows[0] ? toProduct(r.rows[0]) : undefined;
}

/** A page of active products whose normalized text contains `query` (all when empty), by name. */
export async function searchProducts(q: Queryable, query: string, offset: number, limit: number): Promise<{ items: Product[]; total: number }> {
  const pattern = `%${escapeLike(normalizeSearch(query))}%`;
  const where = "active and search_text like $1 escape '\\'";
  const [rows, count] = await Promise.all([
    q.query<Raw>(`select ${COLUMNS} from products where ${where} order by name, sku offset $2 limit $3`, [pattern, offset, limit]),
    q.query<{ total: number }>(`select count(*)::int as total from products where ${where}`, [pattern]),
  ]);
  return { items: rows.rows.map(toProduct), total: count.rows[0]?.total ?? 0 };
}

/** Inserts a product; false when the SKU exists. */
export async function insertProduct(q: Queryable, sku: string, p: ProductInput): Promise<boolean> {
  const r = await q.query(
    `insert into products (sku, name, description, price_amount, currency, stock, active, search_text)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (sku) do nothing`,
    [sku, p.name, p.description ?? '', p.price.amount, p.price.currency, p.stock ?? null, p.active ?? true, searchText({ ...p, sku })],
  );
  return r.rowCount === 1;
}

/** Replaces a product's fields (stock only when given); false when it does not exist. */
export async function updateProduct(q: Queryable, sku: string, p: ProductInput): Promise<boolean> {
  const r = await q.query(
    `update products set name = $2, description = $3, price_amount = $4, currency = $5,
            stock = coalesce($6, stock), active = $7, search_text = $8, updated_at = now()
      where sku = $1`,
    [sku, p.name, p.description ?? '', p.price.amount, p.price.currency, p.stock ?? null, p.active ?? true, searchText({ ...p, sku })],
  );
  return r.rowCount === 1;
}

/** Records the stock inventory reported; false when the SKU is unknown here. */
export async function setStock(q: Queryable, sku: string, available: number): Promise<boolean> {
  const r = await q.query('update products set stock = $2, updated_at = now() where sku = $1', [sku, available]);
  return r.rowCount === 1;
}
