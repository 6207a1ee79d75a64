/**
 * Catalog's error catalogue.
 */
import { defineErrors } from '../kit/index.ts';

/** Errors catalog raises. */
export const catalogErrors = defineErrors({
  product_not_found: { status: 404, title: 'Product not found' },
  sku_taken: { status: 409, title: 'A product with this SKU exists' },
  sku_mismatch: { status: 400, title: 'SKU in the body differs from the path' },
});
