/**
 * SQL of the inventory service. Overselling is prevented twice: the SKUs of a reservation are
 * row-locked (`FOR UPDATE`, in SKU order) before the check, and each decrement is a conditional
 * `UPDATE ... WHERE available >= $qty` under a `CHECK (available >= 0)` constraint.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../kit/index.ts';
import { mergeLines, planReservation, type Shortage, type StockRequest } from '../domain/reservation.ts';

/** A SKU's stock. */
export interface StockLevel {
  readonly sku: string;
  readonly available: number;
  readonly reserved: number;
}

/** Result of {@link reserveAll}. */
export type ReserveResult =
  | { readonly kind: 'reserved'; readonly reservationId: string; readonly expiresAt: string; readonly lines: readonly StockRequest[]; readonly levels: readonly StockLevel[] }
  | { readonly kind: 'rejected'; readonly reason: 'unknown_sku' | 'insufficient_stock'; readonly shortages: readonly Shortage[] }
  | { readonly kind: 'duplicate' };

/** Result of {@link releaseReservation}. */
export interface ReleaseResult {
  readonly reservationId: string;
  readonly levels: readonly StockLevel[];
}

const iso = (v: string | Date): string => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

/** Reserves every line of an order or none of them. */
export async function reserveAll(db: Queryable, orderId: string, lines: readonly StockRequest[], ttlMs: number): Promise<ReserveResult> {
  const seen = await db.query('select 1 from reservations where order_id = $1', [orderId]);
  if (seen.rowCount > 0) return { kind: 'duplicate' };
  const merged = mergeLines(lines);
  const onHand = await db.query<{ sku: string; available: number }>(
    'select sku, available from stock where sku = any($1::text[]) order by sku for update',
    [merged.map((l) => l.sku)],
  );
  const plan = planReservation(merged, onHand.rows);
  const reservationId = randomUUID();
  if (!plan.ok) {
    await db.query(`insert into reservations (order_id, reservation_id, status, reason) values ($1, $2, 'rejected', $3)`, [orderId, reservationId, plan.reason]);
    return { kind: 'rejected', reason: plan.reason, shortages: plan.shortages };
  }
  const levels: StockLevel[] = [];
  for (const line of plan.lines) {
    const r = await db.query<StockLevel>(
      `update stock set available = available - $2, reserved = reserved + $2, updated_at = now()
       where sku = $1 and available >= $2 returning sku, available, reserved`,
      [line.sku, line.quantity],
    );
    // Unreachable while the rows are locked; if it happens, roll everything back rather than oversell.
    if (!r.rows[0]) throw new Error(`stock of ${line.sku} changed under a row lock`);
    levels.push(r.rows[0]);
  }
  const res = await db.query<{ expires_at: string | Date }>(
    `insert into reservations (order_id, reservation_id, status, expires_at)
     values ($1, $2, 'active', now() + ($3::float8 * interval '1 millisecond')) returning expires_at`,
    [orderId, reservationId, ttlMs],
  );
  for (const line of plan.lines) {
    await db.query('insert into reservation_lines (order_id, sku, quantity) values ($1, $2, $3)', [orderId, line.sku, line.quantity]);
  }
  return { kind: 'reserved', reservationId, expiresAt: iso(res.rows[0]?.expires_at ?? new Date()), lines: plan.lines, levels };
}

async function linesOf(db: Queryable, orderId: string): Promise<StockRequest[]> {
  const r = await db.query<StockRequest>('select sku, quantity from reservation_lines where order_id = $1 order by sku', [orderId]);
  return r.rows;
}

/**
 * Gives an order's stock back: an active reservation returns to `available`; a committed one
 * (order confirmed, then cancelled) is restocked. Returns undefined when there is nothing to give back.
 */
export async function releaseReservation(db: Queryable, orderId: string, reason: string): Promise<ReleaseResult | undefined> {
  const r = await db.query<{ reservation_id: string; status: string }>('select reservation_id, status from reservations where order_id = $1 for update', [orderId]);
  const row = r.rows[0];
  if (!row || (row.status !== 'active' && row.status !== 'committed')) return undefined;
  const levels: StockLevel[] = [];
  for (const line of await linesOf(db, orderId)) {
    const sql =
      row.status === 'active'
        ? 'update stock set available = available + $2, reserved = reserved - $2, updated_at = now() where sku = $1 returning sku, available, reserved'
        : 'update stock set available = available + $2, updated_at = now() where sku = $1 returning sku, available, reserved';
    const u = await db.query<StockLevel>(sql, [line.sku, line.quantity]);
    if (u.rows[0]) levels.push(u.rows[0]);
  }
  await db.query(`update reservations set status = 'released', reason = $2, updated_at = now() where order_id = $1`, [orderId, reason]);
  return { reservationId: row.reservation_id, levels };
}

/** Turns an active reservation into a sale (order confirmed): it no longer expires. Returns false when it was not active. */
export async function commitReservation(db: Queryable, orderId: string): Promise<boolean> {
  const r = await db.query<{ status: string }>('select status from reservations where order_id = $1 for update', [orderId]);
  if (r.rows[0]?.status !== 'active') return false;
  for (const line of await linesOf(db, orderId)) {
    await db.query('update stock set reserved = reserved - $2, updated_at = now() where sku = $1', [line.sku, line.quantity]);
  }
  await db.query(`update reservations set status = 'committed', expires_at = null, updated_at = now() where order_id = $1`, [orderId]);
  return true;
}

/** Orders whose active reservation expired, locked (skipping rows another replica holds). */
export async function lockExpired(db: Queryable, limit: number): Promise<string[]> {
  const r = await db.query<{ order_id: string }>(
    `select order_id from reservations where status = 'active' and expires_at < now() order by expires_at limit $1 for update skip locked`,
    [limit],
  );
  return r.rows.map((x) => x.order_id);
}

/** One SKU's stock. */
export async function findStock(db: Queryable, sku: string): Promise<StockLevel | undefined> {
  const r = await db.query<StockLevel>('select sku, available, reserved from stock where sku = $1', [sku]);
  return r.rows[0];
}

/** Sets a SKU's available quantity (creating the SKU); returns the level and whether it was created. */
export async function setAvailable(db: Queryable, sku: string, available: number): Promise<{ level: StockLevel; created: boolean }> {
  const r = await db.query<StockLevel & { created: boolean }>(
    `insert into stock (sku, available) values ($1, $2)
     on conflict (sku) do update set available = excluded.available, updated_at = now()
     returning sku, available, reserved, (xmax = 0) as created`,
    [sku, available],
  );
  const row = r.rows[0];
  if (!row) throw new Error('upsert returned no row');
  return { level: { sku: row.sku, available: row.available, reserved: row.reserved }, created: row.created };
}

/** Adds `delta` to available; undefined when the SKU is unknown, 'negative' when it would go below zero. */
export async function adjustAvailable(db: Queryable, sku: string, delta: number): Promise<StockLevel | 'negative' | undefined> {
  const r = await db.query<StockLevel>(
    'update stock set available = available + $2, updated_at = now() where sku = $1 and available + $2 >= 0 returning sku, available, reserved',
    [sku, delta],
  );
  if (r.rows[0]) return r.rows[0];
  return (await findStock(db, sku)) ? 'negative' : undefined;
}

/** An order's reservation. */
export async function findReservation(
  db: Queryable,
  orderId: string,
): Promise<{ orderId: string; reservationId: string; status: string; reason: string | null; expiresAt: string | null; items: StockRequest[] } | undefined> {
  const r = await db.query<{ reservation_id: string; status: string; reason: string | null; expires_at: string | Date | null }>(
    'select reservation_id, status, reason, expires_at from reservations where order_id = $1',
    [orderId],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    orderId,
    reservationId: row.reservation_id,
    status: row.status,
    reason: row.reason,
    expiresAt: row.expires_at ? iso(row.expires_at) : null,
    items: await linesOf(db, orderId),
  };
}
