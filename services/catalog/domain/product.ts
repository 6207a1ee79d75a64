/**
 * The product as catalog knows it.
 */

/** Money in integer minor units. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** A product. `stock` is what inventory last reported (absent until it does). */
export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly price: Money;
  readonly stock?: number;
  /** False for a product withdrawn from sale: hidden from lists, still readable by SKU. */
  readonly active: boolean;
}

/** What an admin writes. */
export interface ProductInput {
  readonly name: string;
  readonly description?: string;
  readonly price: Money;
  readonly stock?: number;
  readonly active?: boolean;
}

/** One page of a search. */
export interface ProductPage {
  readonly items: Product[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}
