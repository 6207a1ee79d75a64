/**
 * SQL of shipping: shipments, checkpoints, hashed contacts, and the tracking view read.
 */
import type { Queryable } from '../../kit/index.ts';
import type { Checkpoint, ShipmentStatus, TrackingView } from '../domain/shipment.ts';
import { orderCheckpoints } from '../domain/shipment.ts';

/** A shipment row as the service uses it. */
export interface ShipmentRow {
  readonly id: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly carrier: string;
  readonly trackingCode: string;
  readonly status: ShipmentStatus;
  readonly postalCodeHash: string;
  readonly estimatedDelivery: string;
  readonly deliveredAt: string | null;
  readonly updatedAt: string;
}

/** A new shipment. */
export interface NewShipment {
  readonly id: string;
  readonly orderId: string;
  readonly invoiceId: string;
  readonly customerId: string;
  readonly carrier: string;
  readonly trackingCode: string;
  readonly postalCodeHash: string;
  readonly estimatedDelivery: Date;
}

const SHIPMENT_COLUMNS = `id, order_id as "orderId", customer_id as "customerId", carrier, tracking_code as "trackingCode",
  status, postal_code_hash as "postalCodeHash",
  to_char(estimated_delivery at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "estimatedDelivery",
  to_char(delivered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "deliveredAt",
  to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "updatedAt"`;

/** Inserts a shipment; false when the order already has one (a redelivered `order.invoiced`). */
export async function insertShipment(q: Queryable, s: NewShipment): Promise<boolean> {
  const r = await q.query(
    `insert into shipments (id, order_id, invoice_id, customer_id, carrier, tracking_code, status, postal_code_hash, estimated_delivery)
     values ($1, $2, $3, $4, $5, $6, 'created', $7, $8) on conflict (order_id) do nothing`,
    [s.id, s.orderId, s.invoiceId, s.customerId, s.carrier, s.trackingCode, s.postalCodeHash, s.estimatedDelivery.toISOString()],
  );
  return r.rowCount > 0;
}

/** A shipment by id. */
export async function findShipment(q: Queryable, id: string): Promise<ShipmentRow | undefined> {
  const r = await q.query<ShipmentRow>(`select ${SHIPMENT_COLUMNS} from shipments where id = $1`, [id]);
  return r.rows[0];
}

/** A shipment by order id. */
export async function findShipmentByOrder(q: Queryable, orderId: string): Promise<ShipmentRow | undefined> {
  const r = await q.query<ShipmentRow>(`select ${SHIPMENT_COLUMNS} from shipments where order_id = $1`, [orderId]);
  return r.rows[0];
}

/** A shipment by carrier and tracking code, locked for the update that follows. */
export async function lockShipmentByTrackingCode(q: Queryable, carrier: string, trackingCode: string): Promise<ShipmentRow | undefined> {
  const r = await q.query<ShipmentRow>(`select ${SHIPMENT_COLUMNS} from shipments where carrier = $1 and tracking_code = $2 for update`, [
    carrier,
    trackingCode,
  ]);
  return r.rows[0];
}

/** Records a checkpoint; false when this carrier update was recorded before. */
export async function insertCheckpoint(q: Queryable, shipmentId: string, updateId: string, c: Checkpoint): Promise<boolean> {
  const r = await q.query(
    `insert into checkpoints (shipment_id, update_id, status, description, location, occurred_at)
     values ($1, $2, $3, $4, $5, $6) on conflict (update_id) do nothing`,
    [shipmentId, updateId, c.status, c.description ?? null, c.location ?? null, c.occurredAt],
  );
  return r.rowCount > 0;
}

/** Sets the status (and the delivery time when delivered). */
export async function updateStatus(q: Queryable, id: string, status: ShipmentStatus, deliveredAt?: string): Promise<void> {
  await q.query('update shipments set status = $2, delivered_at = coalesce(delivered_at, $3), updated_at = now() where id = $1', [
    id,
    status,
    deliveredAt ?? null,
  ]);
}

/** Remembers the hash of a customer's e-mail. */
export async function upsertContact(q: Queryable, customerId: string, emailHash: string): Promise<void> {
  await q.query(
    'insert into customer_contacts (customer_id, email_hash) values ($1, $2) on conflict (customer_id) do update set email_hash = excluded.email_hash',
    [customerId, emailHash],
  );
}

/** The e-mail hash of a customer, if known. */
export async function contactHash(q: Queryable, customerId: string): Promise<string | undefined> {
  const r = await q.query<{ emailHash: string }>('select email_hash as "emailHash" from customer_contacts where customer_id = $1', [customerId]);
  return r.rows[0]?.emailHash;
}

/** The public tracking view of a shipment, from the store. */
export async function readTrackingView(q: Queryable, id: string): Promise<TrackingView | undefined> {
  const s = await findShipment(q, id);
  if (!s) return undefined;
  const r = await q.query<{ status: string; description: string | null; location: string | null; occurredAt: string }>(
    `select status, description, location,
       to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "occurredAt"
     from checkpoints where shipment_id = $1 order by occurred_at, id`,
    [id],
  );
  const checkpoints = orderCheckpoints(
    r.rows.map((c) => ({
      status: c.status,
      occurredAt: c.occurredAt,
      ...(c.description ? { description: c.description } : {}),
      ...(c.location ? { location: c.location } : {}),
    })),
  );
  return {
    shipmentId: s.id,
    orderId: s.orderId,
    status: s.status,
    carrier: s.carrier,
    trackingCode: s.trackingCode,
    estimatedDelivery: s.estimatedDelivery,
    ...(s.deliveredAt ? { deliveredAt: s.deliveredAt } : {}),
    checkpoints,
    updatedAt: s.updatedAt,
  };
}
