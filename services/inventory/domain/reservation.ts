/**
 * Reservation rules: an order's lines are reserved all together or not at all. Lines of the same
 * SKU are merged first, and SKUs are handled in sorted order so that two reservations lock rows
 * in the same order (no deadlock between them).
 */

/** A requested line. */
export interface StockRequest {
  readonly sku: string;
  readonly quantity: number;
}

/** What is on hand for a SKU, as read under a row lock. */
export interface OnHand {
  readonly sku: string;
  readonly available: number;
}

/** A line that cannot be served. */
export interface Shortage {
  readonly sku: string;
  readonly requested: number;
  readonly available: number;
}

/** Outcome of planning a reservation. */
export type ReservationPlan =
  | { readonly ok: true; readonly lines: readonly StockRequest[] }
  | { readonly ok: false; readonly reason: 'unknown_sku' | 'insufficient_stock'; readonly shortages: readonly Shortage[] };

/** Merges lines of the same SKU and sorts them by SKU. */
export function mergeLines(lines: readonly StockRequest[]): StockRequest[] {
  const bySku = new Map<string, number>();
  for (const l of lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity);
  return [...bySku.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
}

/** Decides whether every line can be reserved from `onHand`. */
export function planReservation(lines: readonly StockRequest[], onHand: readonly OnHand[]): ReservationPlan {
  const merged = mergeLines(lines);
  const stock = new Map(onHand.map((s) => [s.sku, s.available]));
  const unknown = merged.filter((l) => !stock.has(l.sku));
  if (unknown.length > 0) {
    return { ok: false, reason: 'unknown_sku', shortages: unknown.map((l) => ({ sku: l.sku, requested: l.quantity, available: 0 })) };
  }
  const short = merged.filter((l) => (stock.get(l.sku) ?? 0) < l.quantity);
  if (short.length > 0) {
    return { ok: false, reason: 'insufficient_stock', shortages: short.map((l) => ({ sku: l.sku, requested: l.quantity, available: stock.get(l.sku) ?? 0 })) };
  }
  return { ok: true, lines: merged };
}
