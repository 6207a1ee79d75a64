/**
 * Fulfilment rules of shipping, called by the event handlers: book a shipment when an order is
 * invoiced, turn validated carrier updates into checkpoints. Effects go through the transaction the
 * handler runs in, follow-up events through `publish` (the outbox of that same transaction).
 */
import { createHash, createHmac } from 'node:crypto';
import type { EventData, Queryable } from '../../kit/index.ts';
import type { CarrierAdapter } from './carrier.ts';
import { nextStatus, normalizeEmail, normalizePostalCode } from './shipment.ts';
import { insertCheckpoint, insertShipment, lockShipmentByTrackingCode, updateStatus, upsertContact } from '../data/shipments-repo.ts';

/** Publishes a follow-up event in the handler's transaction. */
export type Publish = (event:
  | { type: 'shipment.created'; data: EventData<'shipment.created'> }
  | { type: 'shipment.checkpoint'; data: EventData<'shipment.checkpoint'> }
  | { type: 'shipment.delivered'; data: EventData<'shipment.delivered'> }) => Promise<unknown>;

/** Raised for a carrier update no shipment matches: it can never succeed. */
export class UnknownParcelError extends Error {
  constructor(carrier: string, trackingCode: string) {
    super(`no shipment with carrier ${carrier} and tracking code ${trackingCode}`);
    this.name = 'UnknownParcelError';
  }
}

/**
 * The shipment id of an order, derived from the order id: a redelivered or retried `order.invoiced`
 * books the same parcel again (the carrier call is idempotent by shipment id) instead of a second one.
 */
export function shipmentIdFor(orderId: string): string {
  const h = createHash('sha256').update(`shipment:${orderId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** HMAC of a contact detail under the lookup pepper (kept instead of the detail itself). */
export function contactDigest(pepper: Buffer, kind: 'email' | 'postal', value: string): string {
  const normalized = kind === 'email' ? normalizeEmail(value) : normalizePostalCode(value);
  return createHmac('sha256', pepper).update(`${kind}:${normalized}`).digest('base64url');
}

/** Books the parcel of an invoiced order and announces it; nothing happens for an order shipped already. */
export async function shipInvoicedOrder(
  tx: Queryable,
  invoiced: EventData<'order.invoiced'>,
  deps: { carrier: CarrierAdapter; pepper: Buffer; publish: Publish; trackingLink?: (shipmentId: string) => string; now?: Date },
): Promise<string | undefined> {
  const shipmentId = shipmentIdFor(invoiced.orderId);
  const booking = await deps.carrier.book({
    shipmentId,
    orderId: invoiced.orderId,
    postalCode: normalizePostalCode(invoiced.shippingAddress.postalCode),
    country: invoiced.shippingAddress.country,
    items: invoiced.items.reduce((n, l) => n + l.quantity, 0),
    invoicedAt: deps.now ?? new Date(),
  });
  const inserted = await insertShipment(tx, {
    id: shipmentId,
    orderId: invoiced.orderId,
    invoiceId: invoiced.invoiceId,
    customerId: invoiced.customerId,
    carrier: booking.carrier,
    trackingCode: booking.trackingCode,
    postalCodeHash: contactDigest(deps.pepper, 'postal', invoiced.shippingAddress.postalCode),
    estimatedDelivery: booking.estimatedDelivery,
  });
  if (!inserted) return undefined;
  await deps.publish({
    type: 'shipment.created',
    data: {
      shipmentId, orderId: invoiced.orderId, customerId: invoiced.customerId, carrier: booking.carrier, trackingCode: booking.trackingCode,
      ...(deps.trackingLink ? { trackingUrl: deps.trackingLink(shipmentId) } : {}),
    },
  });
  return shipmentId;
}

/**
 * Records a validated carrier update as a checkpoint, moves the status on, and publishes
 * `shipment.checkpoint` (and `shipment.delivered` the first time the parcel is delivered).
 * Returns the shipment id, or undefined for an update recorded before.
 */
export async function applyCarrierUpdate(tx: Queryable, update: EventData<'carrier.update.validated'>, publish: Publish): Promise<string | undefined> {
  const shipment = await lockShipmentByTrackingCode(tx, update.carrier, update.trackingCode);
  if (!shipment) throw new UnknownParcelError(update.carrier, update.trackingCode);
  const checkpoint = {
    status: update.status,
    occurredAt: update.occurredAt,
    ...(update.description ? { description: update.description } : {}),
    ...(update.location ? { location: update.location } : {}),
  };
  if (!(await insertCheckpoint(tx, shipment.id, update.updateId, checkpoint))) return undefined;
  const status = nextStatus(shipment.status, update.status);
  const deliveredNow = status === 'delivered' && shipment.status !== 'delivered';
  await updateStatus(tx, shipment.id, status, deliveredNow ? update.occurredAt : undefined);
  await publish({ type: 'shipment.checkpoint', data: { shipmentId: shipment.id, orderId: shipment.orderId, ...checkpoint } });
  if (deliveredNow) {
    await publish({
      type: 'shipment.delivered',
      data: { shipmentId: shipment.id, orderId: shipment.orderId, customerId: shipment.customerId, deliveredAt: update.occurredAt },
    });
  }
  return shipment.id;
}

/** Remembers the hash of a registered customer's e-mail, for the lookup form. */
export async function rememberContact(tx: Queryable, user: EventData<'user.registered'>, pepper: Buffer): Promise<void> {
  await upsertContact(tx, user.userId, contactDigest(pepper, 'email', user.email));
}
