/**
 * Request schemas of catalog's API (zod), shared by the routes and the OpenAPI document.
 */
import { z } from 'zod';

/** A SKU: letters, digits, dot, dash, underscore. */
export const skuSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 letters, digits, ".", "-" or "_"');

const money = z.object({
  amount: z.number().int().min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as BRL'),
});

/** Body of `PUT /api/catalog/products/:sku`. */
export const productBody = z.object({
  name: z.string().trim().min(1).max(300),
  description: z.string().max(5000).optional(),
  price: money,
  stock: z.number().int().min(0).optional(),
  active: z.boolean().optional(),
});

/** Body of `POST /api/catalog/products`. */
export const newProductBody = productBody.extend({ sku: skuSchema });

/** Path of single-product routes. */
export const skuParams = z.object({ sku: skuSchema });

/** Query of the list. */
export const listQuery = z.object({
  q: z.string().max(100).optional().default(''),
  page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
});
