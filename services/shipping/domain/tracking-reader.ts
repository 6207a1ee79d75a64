/**
 * Reading the tracking view by token: verify the token, then cache-aside in Redis (the view is
 * stored as its JSON text, so a hit is one GET and no re-serialization), invalidated by shipment
 * events. Also the second way in: order number plus e-mail or postcode, rate-limited.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Cache, Queryable } from '../../kit/index.ts';
import type { KeyRing } from './key-ring.ts';
import { signTrackingToken, verifyTrackingToken } from './tracking-token.ts';
import type { TrackingView } from './shipment.ts';
import { contactDigest } from './fulfilment.ts';
import { contactHash, findShipment, findShipmentByOrder, readTrackingView } from '../data/shipments-repo.ts';

/** Cache key of a shipment's view. */
export function viewKey(shipmentId: string): string {
  return `view:${shipmentId}`;
}

/** Outcome of a lookup by order number and contact. */
export type LookupResult = { readonly kind: 'found'; readonly token: string } | { readonly kind: 'not_found' } | { readonly kind: 'rate_limited'; readonly retryAfterS: number };

/** Options of {@link TrackingReader}. */
export interface TrackingReaderOptions {
  readonly db: Queryable;
  readonly cache: Cache;
  readonly ring: KeyRing;
  readonly pepper: Buffer;
  readonly cacheTtlMs: number;
  readonly linkTtlMs: number;
  readonly lookupLimit: number;
  readonly lookupWindowMs: number;
  /**
   * How long this process keeps a view in memory in front of Redis; 0 turns it off. Another
   * replica's change reaches this one's memory after at most this long (its own changes at once).
   * @default 0
   */
  readonly localTtlMs?: number;
  /** Counts reads by where they were answered. */
  readonly onCache?: (outcome: 'local' | 'hit' | 'miss') => void;
}

/** Most views kept in memory; the oldest goes first. */
const LOCAL_MAX_ENTRIES = 10_000;
/** How long a verified token is remembered (a removed key stops working within this time). */
const VERIFIED_TTL_MS = 60_000;

function sameDigest(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads tracking views for the page and the API. */
export class TrackingReader {
  private readonly local = new Map<string, { json: string; until: number }>();
  /** Tokens verified lately (valid ones only), so a page reloaded in a loop costs no HMAC. */
  private readonly verified = new Map<string, { shipmentId: string; until: number }>();

  constructor(private readonly o: TrackingReaderOptions) {}

  /** The view's JSON text for a token; null for every kind of bad token and for unknown shipments. */
  async viewJson(token: string): Promise<string | null> {
    const shipmentId = this.verify(token);
    if (!shipmentId) return null;
    const key = viewKey(shipmentId);
    const ttl = this.o.localTtlMs ?? 0;
    const mem = ttl > 0 ? this.local.get(key) : undefined;
    if (mem && mem.until > Date.now()) {
      this.o.onCache?.('local');
      return mem.json;
    }
    const cached = await this.o.cache.get(key);
    if (cached !== null) {
      this.o.onCache?.('hit');
      this.remember(key, cached);
      return cached;
    }
    this.o.onCache?.('miss');
    const view = await readTrackingView(this.o.db, shipmentId);
    if (!view) return null;
    const json = JSON.stringify(view);
    await this.o.cache.set(key, json, { ttlMs: this.o.cacheTtlMs });
    this.remember(key, json);
    return json;
  }

  private verify(token: string): string | undefined {
    const now = Date.now();
    const memo = this.verified.get(token);
    if (memo && memo.until > now) return memo.shipmentId;
    const claims = verifyTrackingToken(this.o.ring, token);
    if (!claims) return undefined;
    const ttl = this.o.localTtlMs ?? 0;
    if (ttl > 0) {
      // Kept for a minute at most, never past the token's expiry.
      if (this.verified.size >= LOCAL_MAX_ENTRIES) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { shipmentId: claims.shipmentId, until: Math.min(claims.exp * 1000, now + VERIFIED_TTL_MS) });
    }
    return claims.shipmentId;
  }

  private remember(key: string, json: string): void {
    const ttl = this.o.localTtlMs ?? 0;
    if (ttl <= 0) return;
    this.local.delete(key);
    if (this.local.size >= LOCAL_MAX_ENTRIES) this.local.delete(this.local.keys().next().value as string);
    this.local.set(key, { json, until: Date.now() + ttl });
  }

  /** The view for a token, parsed. */
  async view(token: string): Promise<TrackingView | null> {
    const json = await this.viewJson(token);
    return json === null ? null : (JSON.parse(json) as TrackingView);
  }

  /** Drops a shipment's cached view. */
  async invalidate(shipmentId: string): Promise<void> {
    this.local.delete(viewKey(shipmentId));
    await this.o.cache.del(viewKey(shipmentId));
  }

  /** A fresh link token for a shipment, or undefined when there is no such shipment. */
  async tokenFor(shipmentId: string, now = new Date()): Promise<string | undefined> {
    const s = await findShipment(this.o.db, shipmentId);
    return s ? signTrackingToken(this.o.ring, s.id, new Date(now.getTime() + this.o.linkTtlMs)) : undefined;
  }

  /**
   * Finds an order's parcel by order number plus the customer's e-mail or the delivery postcode.
   * Limited per client address and per order number, so neither one guesser nor many addresses
   * can walk the contact space of one order. A wrong contact and an unknown order look the same.
   */
  async lookup(orderId: string, contact: string, clientAddress: string): Promise<LookupResult> {
    const limited = await this.overLimit([`lookup:addr:${clientAddress}`, `lookup:order:${orderId}`]);
    if (limited > 0) return { kind: 'rate_limited', retryAfterS: Math.ceil(limited / 1000) };
    const shipment = await findShipmentByOrder(this.o.db, orderId);
    if (!shipment) return { kind: 'not_found' };
    const byEmail = contact.includes('@') && sameDigest(await contactHash(this.o.db, shipment.customerId), contactDigest(this.o.pepper, 'email', contact));
    const byPostcode = !contact.includes('@') && sameDigest(shipment.postalCodeHash, contactDigest(this.o.pepper, 'postal', contact));
    if (!byEmail && !byPostcode) return { kind: 'not_found' };
    return { kind: 'found', token: signTrackingToken(this.o.ring, shipment.id, new Date(Date.now() + this.o.linkTtlMs)) };
  }

  /** Counts one attempt on each key; returns the ms to wait when any is over the limit, else 0. */
  private async overLimit(keys: string[]): Promise<number> {
    let wait = 0;
    for (const key of keys) {
      const n = await this.o.cache.incr(key);
      if (n === 1) await this.o.cache.expire(key, this.o.lookupWindowMs);
      if (n > this.o.lookupLimit) wait = Math.max(wait, Math.max(await this.o.cache.ttl(key), 1000));
    }
    return wait;
  }
}
