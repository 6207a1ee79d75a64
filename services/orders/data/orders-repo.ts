/**
 * SQL of the orders service: orders, their transition history, idempotency keys, invoice numbers.
 */
import type { Queryable } from '../../kit/index.ts';
import type { CancelReason, OrderStatus, Transition } from '../domain/order-status.ts';
import type { Money, OrderLine } from '../domain/checkout.ts';

/** An order as stored. */
export interface OrderRecord {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly cancelReason: CancelReason | null;
  readonly items: OrderLine[];
  readonly total: Money;
  readonly shippingAddress: Record<string, unknown>;
  readonly invoiceNumber: string | null;
  readonly carrier: string | null;
  readonly trackingCode: string | null;
  readonly createdAt: string;
}

/** One history entry. */
export interface HistoryEntry {
  readonly from: OrderStatus | null;
  readonly status: OrderStatus;
  readonly reason?: string;
  readonly at: string;
}

interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  cancel_reason: CancelReason | null;
  items: OrderLine[] | string;
  total_amount: string | number;
  currency: string;
  shipping_address: Record<string, unknown> | string;
  invoice_number: string | null;
  carrier: string | null;
  tracking_code: string | null;
  created_at: string | Date;
}

const COLUMNS =
  'id, customer_id, status, cancel_reason, items, total_amount::text as total_amount, currency, shipping_address, invoice_number, carrier, tracking_code, created_at';

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const iso = (v: string | Date): string => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

function toRecord(r: OrderRow): OrderRecord {
  return {
    id: r.id,
    customerId: r.customer_id,
    status: r.status,
    cancelReason: r.cancel_reason,
    items: json(r.items),
    total: { amount: Number(r.total_amount), currency: r.currency },
    shippingAddress: json(r.shipping_address),
    invoiceNumber: r.invoice_number,
    carrier: r.carrier,
    trackingCode: r.tracking_code,
    createdAt: iso(r.created_at),
  };
}

/** What is needed to insert an order. */
export interface NewOrder {
  readonly id: string;
  readonly customerId: string;
  readonly items: readonly OrderLine[];
  readonly total: Money;
  readonly paymentMethod: string;
  readonly shippingAddress: Record<string, unknown>;
  readonly deadlineMs: number;
}

/** Inserts a placed order and its first history entry. */
export async function insertOrder(db: Queryable, o: NewOrder): Promise<void> {
  await db.query(
    `insert into orders (id, customer_id, status, items, total_amount, currency, payment_method, shipping_address, deadline_at)
     values ($1, $2, 'placed', $3, $4, $5, $6, $7, now() + ($8::float8 * interval '1 millisecond'))`,
    [o.id, o.customerId, JSON.stringify(o.items), o.total.amount, o.total.currency, o.paymentMethod, JSON.stringify(o.shippingAddress), o.deadlineMs],
  );
  await db.query(`insert into order_history (order_id, from_status, to_status, cause) values ($1, null, 'placed', 'checkout')`, [o.id]);
}

/** Reads an order. */
export async function findOrder(db: Queryable, id: string): Promise<OrderRecord | undefined> {
  const r = await db.query<OrderRow>(`select ${COLUMNS} from orders where id = $1`, [id]);
  return r.rows[0] ? toRecord(r.rows[0]) : undefined;
}

/** Reads and row-locks an order for the rest of the transaction. */
export async function lockOrder(db: Queryable, id: string): Promise<OrderRecord | undefined> {
  const r = await db.query<OrderRow>(`select ${COLUMNS} from orders where id = $1 for update`, [id]);
  return r.rows[0] ? toRecord(r.rows[0]) : undefined;
}

/** Orders of a customer, newest first. */
export async function listOrders(db: Queryable, customerId: string, limit: number, offset: number): Promise<{ items: OrderRecord[]; total: number }> {
  const rows = await db.query<OrderRow>(`select ${COLUMNS} from orders where customer_id = $1 order by created_at desc, id limit $2 offset $3`, [
    customerId,
    limit,
    offset,
  ]);
  const count = await db.query<{ n: number }>('select count(*)::int as n from orders where customer_id = $1', [customerId]);
  return { items: rows.rows.map(toRecord), total: count.rows[0]?.n ?? 0 };
}

/** History of an order, oldest first. */
export async function historyOf(db: Queryable, id: string): Promise<HistoryEntry[]> {
  const r = await db.query<{ from_status: OrderStatus | null; to_status: OrderStatus; reason: string | null; at: string | Date }>(
    'select from_status, to_status, reason, at from order_history where order_id = $1 order by id',
    [id],
  );
  return r.rows.map((h) => ({ from: h.from_status, status: h.to_status, ...(h.reason ? { reason: h.reason } : {}), at: iso(h.at) }));
}

/**
 * Writes a chain of transitions: the final status, the cancel reason, the new deadline (or none)
 * and one history row per step. `cause` names what caused it (an event type, `timeout`, `customer`).
 */
export async function recordTransitions(
  db: Queryable,
  id: string,
  transitions: readonly Transition[],
  cause: string,
  nextDeadlineMs: number | undefined,
): Promise<void> {
  const last = transitions[transitions.length - 1];
  if (!last) return;
  const reason = transitions.find((t) => t.reason)?.reason ?? null;
  await db.query(
    `update orders set status = $2, cancel_reason = coalesce($3, cancel_reason), updated_at = now(),
       deadline_at = case when $4::float8 is null then null else now() + ($4::float8 * interval '1 millisecond') end
     where id = $1`,
    [id, last.to, reason, nextDeadlineMs ?? null],
  );
  for (const t of transitions) {
    await db.query('insert into order_history (order_id, from_status, to_status, reason, cause) values ($1, $2, $3, $4, $5)', [
      id,
      t.from,
      t.to,
      t.reason ?? null,
      cause,
    ]);
  }
}

/** Takes the next invoice sequence value and stores the number on the order. */
export async function assignInvoiceNumber(db: Queryable, id: string, format: (seq: number) => string): Promise<string> {
  const seq = await db.query<{ n: string | number }>(`select nextval('invoice_seq')::text as n`);
  const number = format(Number(seq.rows[0]?.n));
  await db.query('update orders set invoice_number = $2 where id = $1', [id, number]);
  return number;
}

/** Stores the shipment's carrier and tracking code. */
export async function recordShipment(db: Queryable, id: string, shipment: { shipmentId: string; carrier: string; trackingCode: string }): Promise<void> {
  await db.query('update orders set shipment_id = $2, carrier = $3, tracking_code = $4 where id = $1', [id, shipment.shipmentId, shipment.carrier, shipment.trackingCode]);
}

/** Ids of orders whose deadline passed, locked (skipping rows another replica holds). */
export async function lockOverdue(db: Queryable, limit: number): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    'select id from orders where deadline_at is not null and deadline_at < now() order by deadline_at limit $1 for update skip locked',
    [limit],
  );
  return r.rows.map((x) => x.id);
}

/** Removes an order's deadline. */
export async function clearDeadline(db: Queryable, id: string): Promise<void> {
  await db.query('update orders set deadline_at = null where id = $1', [id]);
}

/** The order an idempotency key points to, with the fingerprint of the request that made it. */
export async function findIdempotencyKey(db: Queryable, customerId: string, key: string): Promise<{ orderId: string; fingerprint: string } | undefined> {
  const r = await db.query<{ order_id: string; fingerprint: string }>(
    'select order_id, fingerprint from idempotency_keys where customer_id = $1 and idem_key = $2',
    [customerId, key],
  );
  const row = r.rows[0];
  return row ? { orderId: row.order_id, fingerprint: row.fingerprint } : undefined;
}

/** Binds a key to an order; a concurrent twin fails on the primary key (23505). */
export async function insertIdempotencyKey(db: Queryable, customerId: string, key: string, fingerprint: string, orderId: string): Promise<void> {
  await db.query('insert into idempotency_keys (customer_id, idem_key, fingerprint, order_id) values ($1, $2, $3, $4)', [customerId, key, fingerprint, orderId]);
}

/** Forgets idempotency keys older than `ttlMs`; returns how many. */
export async function deleteOldIdempotencyKeys(db: Queryable, ttlMs: number): Promise<number> {
  const r = await db.query(`delete from idempotency_keys where created_at < now() - ($1::float8 * interval '1 millisecond')`, [ttlMs]);
  return r.rowCount;
}

/** Status counts, for tests and dashboards. */
export async function countByStatus(db: Queryable): Promise<Record<string, number>> {
  const r = await db.query<{ status: string; n: number }>('select status, count(*)::int as n from orders group by status');
  return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
}
