/**
 * SQL of the payments service.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../kit/index.ts';
import type { Money } from '../domain/provider.ts';

/** Status of an order's payment. */
export type PaymentStatus = 'pending' | 'authorized' | 'failed' | 'timed_out' | 'cancelled' | 'voided' | 'refunded';

/** A payment row. */
export interface PaymentRecord {
  readonly orderId: string;
  readonly paymentId: string;
  readonly amount: Money | undefined;
  readonly token: string | null;
  readonly placed: boolean;
  readonly reserved: boolean;
  readonly status: PaymentStatus;
  readonly reason: string | null;
  readonly providerReference: string | null;
}

interface Row {
  order_id: string;
  payment_id: string;
  amount: string | null;
  currency: string | null;
  token: string | null;
  placed: boolean;
  reserved: boolean;
  status: PaymentStatus;
  reason: string | null;
  provider_reference: string | null;
}

function toRecord(r: Row): PaymentRecord {
  return {
    orderId: r.order_id,
    paymentId: r.payment_id,
    amount: r.amount !== null && r.currency ? { amount: Number(r.amount), currency: r.currency } : undefined,
    token: r.token,
    placed: r.placed,
    reserved: r.reserved,
    status: r.status,
    reason: r.reason,
    providerReference: r.provider_reference,
  };
}

/**
 * The payment id of an order, derived from the order id: it is the idempotency key at the provider,
 * so it must be the same whichever event (or retry of it) creates the row.
 */
export function paymentIdFor(orderId: string): string {
  return `pay_${createHash('sha256').update(orderId).digest('hex').slice(0, 32)}`;
}

const COLUMNS = 'order_id, payment_id, amount::text as amount, currency, token, placed, reserved, status, reason, provider_reference';

/** Records what order.placed says (amount, card token). */
export async function recordPlaced(db: Queryable, p: { orderId: string; customerId: string; amount: Money; token: string }): Promise<void> {
  await db.query(
    `insert into payments (order_id, payment_id, customer_id, amount, currency, token, placed) values ($1, $2, $3, $4, $5, $6, true)
     on conflict (order_id) do update set customer_id = excluded.customer_id, amount = excluded.amount, currency = excluded.currency,
       token = case when payments.status = 'pending' then excluded.token else null end, placed = true, updated_at = now()
     where payments.placed = false`,
    [p.orderId, paymentIdFor(p.orderId), p.customerId, p.amount.amount, p.amount.currency, p.token],
  );
}

/** Records that the stock is reserved. */
export async function recordReserved(db: Queryable, orderId: string): Promise<void> {
  await db.query(
    `insert into payments (order_id, payment_id, reserved) values ($1, $2, true)
     on conflict (order_id) do update set reserved = true, updated_at = now()`,
    [orderId, paymentIdFor(orderId)],
  );
}

/** Makes sure a row exists (a cancellation may be the first thing heard of an order). */
export async function ensurePayment(db: Queryable, orderId: string): Promise<void> {
  await db.query('insert into payments (order_id, payment_id) values ($1, $2) on conflict (order_id) do nothing', [orderId, paymentIdFor(orderId)]);
}

/** Reads and row-locks an order's payment. */
export async function lockPayment(db: Queryable, orderId: string): Promise<PaymentRecord | undefined> {
  const r = await db.query<Row>(`select ${COLUMNS} from payments where order_id = $1 for update`, [orderId]);
  return r.rows[0] ? toRecord(r.rows[0]) : undefined;
}

/** Reads an order's payment. */
export async function findPayment(db: Queryable, orderId: string): Promise<PaymentRecord | undefined> {
  const r = await db.query<Row>(`select ${COLUMNS} from payments where order_id = $1`, [orderId]);
  return r.rows[0] ? toRecord(r.rows[0]) : undefined;
}

/** Sets the status (and drops the card token: it is not needed after the first answer). */
export async function setStatus(db: Queryable, orderId: string, status: PaymentStatus, reason: string | null, reference?: string): Promise<void> {
  await db.query(
    `update payments set status = $2, reason = $3, provider_reference = coalesce($4, provider_reference), token = null, updated_at = now() where order_id = $1`,
    [orderId, status, reason, reference ?? null],
  );
}

/** Records an authorization; the primary key refuses a second one for the order. */
export async function insertAuthorization(db: Queryable, p: { orderId: string; paymentId: string; reference: string; amount: Money }): Promise<void> {
  await db.query('insert into authorizations (order_id, payment_id, provider_reference, amount, currency) values ($1, $2, $3, $4, $5)', [
    p.orderId,
    p.paymentId,
    p.reference,
    p.amount.amount,
    p.amount.currency,
  ]);
}

/** Records a refund; the primary key refuses a second one for the order. */
export async function insertRefund(db: Queryable, p: { orderId: string; paymentId: string; reference: string; amount: Money }): Promise<void> {
  await db.query('insert into refunds (order_id, payment_id, provider_reference, amount, currency) values ($1, $2, $3, $4, $5)', [
    p.orderId,
    p.paymentId,
    p.reference,
    p.amount.amount,
    p.amount.currency,
  ]);
}
