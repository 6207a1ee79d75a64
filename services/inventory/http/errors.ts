/**
 * The inventory service's error catalogue.
 */
import { defineErrors } from '../../kit/index.ts';

/** Errors the inventory routes raise. */
export const inventoryErrors = defineErrors({
  sku_not_found: { status: 404, title: 'Unknown SKU' },
  reservation_not_found: { status: 404, title: 'No reservation for this order' },
  stock_would_be_negative: { status: 409, title: 'Stock cannot go below zero' },
});
