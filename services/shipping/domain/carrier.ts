/**
 * Carrier adapters: how a shipment is booked with a carrier. The default is a deterministic test
 * carrier (same input, same tracking code and estimate), so tests and `npm start` need no network.
 */
import { createHash } from 'node:crypto';

/** What a carrier needs to book a parcel (no personal data beyond the destination postcode). */
export interface BookingRequest {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly postalCode: string;
  readonly country: string;
  readonly items: number;
  /** When the order was invoiced. */
  readonly invoicedAt: Date;
}

/** A booked parcel. */
export interface Booking {
  readonly carrier: string;
  readonly trackingCode: string;
  readonly estimatedDelivery: Date;
}

/** A carrier adapter. */
export interface CarrierAdapter {
  readonly name: string;
  book(request: BookingRequest): Promise<Booking>;
}

/** Adds `days` working days (Monday to Friday) to `from`. */
export function addBusinessDays(from: Date, days: number): Date {
  const d = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return d;
}

/**
 * The test carrier: tracking code `VT` + 9 digits + `BR` (the shape of Correios codes) derived from
 * the shipment id; delivery in 3 working days, 5 outside the capital region (postcodes not starting
 * with 0), so tests can predict both.
 */
export function createTestCarrier(name = 'vitrine-express'): CarrierAdapter {
  return {
    name,
    book(req) {
      const digest = createHash('sha256').update(req.shipmentId).digest();
      const digits = String(digest.readUInt32BE(0) % 1_000_000_000).padStart(9, '0');
      const days = req.postalCode.startsWith('0') ? 3 : 5;
      return Promise.resolve({ carrier: name, trackingCode: `VT${digits}BR`, estimatedDelivery: addBusinessDays(req.invoicedAt, days) });
    },
  };
}
