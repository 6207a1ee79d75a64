/**
 * Request schemas of cart's API (zod), shared by the routes and the OpenAPI document.
 */
import { z } from 'zod';

/** A SKU, as catalog accepts it. */
export const skuParams = z.object({ sku: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 letters, digits, ".", "-" or "_"') });

/** Body of `PUT /api/cart/items/:sku`; the upper bound comes from config. */
export function itemBody(maxQuantity: number) {
  return z.object({ quantity: z.number().int().min(1).max(maxQuantity) });
}

/** Path of the internal routes. */
export const userParams = z.object({ userId: z.string().min(1).max(128) });
