/**
 * Turning a cart into order lines, and the fingerprint of a checkout request that the
 * `Idempotency-Key` is bound to.
 */
import { createHash } from 'node:crypto';

/** Money in integer minor units. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** A cart line as the cart service hands it over. */
export interface CartLine {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: Money;
}

/** An order line. */
export interface OrderLine extends CartLine {
  readonly lineTotal: Money;
}

/** Why a cart cannot become an order. */
export class CheckoutError extends Error {
  constructor(
    readonly code: 'cart_empty' | 'mixed_currency' | 'amount_too_large',
    message: string,
  ) {
    super(message);
    this.name = 'CheckoutError';
  }
}

const MAX_TOTAL_MINOR = 1_000_000_000_00; // one billion in major units: beyond it a cart is a mistake

/**
 * Merges lines of the same SKU and computes the total.
 * @throws CheckoutError for an empty cart, mixed currencies or an absurd total
 */
export function linesFromCart(cart: readonly CartLine[]): { items: OrderLine[]; total: Money } {
  if (cart.length === 0) throw new CheckoutError('cart_empty', 'the cart is empty');
  const currency = cart[0]?.unitPrice.currency ?? 'BRL';
  const bySku = new Map<string, CartLine>();
  for (const line of cart) {
    if (line.unitPrice.currency !== currency) throw new CheckoutError('mixed_currency', `the cart mixes ${currency} and ${line.unitPrice.currency}`);
    const prev = bySku.get(line.sku);
    bySku.set(line.sku, prev ? { ...prev, quantity: prev.quantity + line.quantity } : line);
  }
  const items = [...bySku.values()]
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
    .map((l) => ({ ...l, lineTotal: { amount: l.unitPrice.amount * l.quantity, currency } }));
  const amount = items.reduce((sum, l) => sum + l.lineTotal.amount, 0);
  if (!Number.isSafeInteger(amount) || amount > MAX_TOTAL_MINOR) throw new CheckoutError('amount_too_large', 'the order total is out of range');
  return { items, total: { amount, currency } };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the request body in canonical JSON (key order does not matter). */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('hex');
}

/** Invoice number from a sequence value, e.g. `INV-2026-00000042`. */
export function invoiceNumber(seq: number, at: Date): string {
  return `INV-${at.getUTCFullYear()}-${String(seq).padStart(8, '0')}`;
}
