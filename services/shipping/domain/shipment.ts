/**
 * Shipment rules: the status vocabulary, how a carrier checkpoint moves the status, and the public
 * tracking view (what the page and the JSON API show: no name, address, e-mail or token).
 */

/** Shipment statuses, in the order a parcel goes through them. */
export const SHIPMENT_STATUSES = ['created', 'posted', 'in_transit', 'out_for_delivery', 'delivered'] as const;
/** A shipment status; `exception` is a carrier problem (failed attempt, held at customs ...). */
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number] | 'exception';

/** A checkpoint as stored and shown. */
export interface Checkpoint {
  readonly status: string;
  readonly description?: string;
  readonly location?: string;
  readonly occurredAt: string;
}

/** The public tracking view of one shipment. */
export interface TrackingView {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly status: ShipmentStatus;
  readonly carrier: string;
  readonly trackingCode: string;
  readonly estimatedDelivery: string;
  readonly deliveredAt?: string;
  /** Oldest first. */
  readonly checkpoints: readonly Checkpoint[];
  readonly updatedAt: string;
}

function rank(status: string): number {
  return (SHIPMENT_STATUSES as readonly string[]).indexOf(status);
}

/**
 * The status after a checkpoint. Carriers' updates arrive out of order sometimes: a late
 * "in transit" must not move a parcel back from "out for delivery", and nothing leaves "delivered".
 * An exception shows until a later normal checkpoint moves the parcel on.
 */
export function nextStatus(current: ShipmentStatus, checkpoint: string): ShipmentStatus {
  if (current === 'delivered') return current;
  if (checkpoint === 'exception') return 'exception';
  const to = rank(checkpoint);
  if (to < 0) return current;
  if (current === 'exception') return SHIPMENT_STATUSES[to]!;
  return to > rank(current) ? SHIPMENT_STATUSES[to]! : current;
}

/** Checkpoints oldest first; equal times keep their arrival order (the sort is stable). */
export function orderCheckpoints<T extends Checkpoint>(checkpoints: readonly T[]): T[] {
  return [...checkpoints].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}

/** Normalizes a postcode for comparison: digits and letters only, upper case. */
export function normalizePostalCode(postalCode: string): string {
  return postalCode.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

/** Normalizes an e-mail address for comparison. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
