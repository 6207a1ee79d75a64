/**
 * Cart's error catalogue.
 */
import { defineErrors } from '../kit/index.ts';

/** Errors cart raises. */
export const cartErrors = defineErrors({
  product_not_found: { status: 404, title: 'Product not found' },
  product_unavailable: { status: 409, title: 'Product not available' },
  cart_full: { status: 409, title: 'Cart is full' },
  currency_mismatch: { status: 409, title: 'Cart holds another currency' },
  catalog_unavailable: { status: 503, title: 'Catalog unavailable' },
});
