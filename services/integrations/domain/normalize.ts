/**
 * Validation and normalization of carrier updates: each carrier's payload becomes one shape with a
 * status from shipping's vocabulary. An update that cannot be normalized gets a reason, which goes
 * with it to the dead-letter store.
 */
import { z } from 'zod';

/** The normalized statuses (shipping's vocabulary). */
export const NORMALIZED_STATUSES = ['posted', 'in_transit', 'out_for_delivery', 'delivered', 'exception'] as const;
type Normalized = (typeof NORMALIZED_STATUSES)[number];

/**
 * Carriers' status codes. `vitrine-express` (the test carrier) uses Correios-like two-letter codes;
 * any carrier may send the normalized names themselves.
 */
const CARRIER_CODES: Readonly<Record<string, Readonly<Record<string, Normalized>>>> = {
  'vitrine-express': { PO: 'posted', RO: 'in_transit', DO: 'in_transit', OEC: 'out_for_delivery', BDE: 'delivered', FC: 'exception' },
};

/** A normalized update. */
export interface NormalizedUpdate {
  readonly trackingCode: string;
  readonly status: Normalized;
  readonly description?: string;
  readonly location?: string;
  readonly occurredAt: string;
}

const payloadSchema = z.object({
  trackingCode: z.string().trim().regex(/^[A-Za-z0-9-]{4,64}$/, 'expected 4–64 letters, digits or dashes'),
  status: z.string().trim().min(1).max(64),
  description: z.string().trim().max(500).optional(),
  location: z.string().trim().max(200).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
});

/** A clock skew we accept from carriers before calling a checkpoint "from the future". */
const FUTURE_SKEW_MS = 10 * 60_000;

/** Outcome of {@link normalizeUpdate}. */
export type NormalizeResult = { readonly ok: true; readonly update: NormalizedUpdate } | { readonly ok: false; readonly reason: string };

/** Validates and normalizes a carrier's payload. */
export function normalizeUpdate(carrier: string, payload: unknown, now = Date.now()): NormalizeResult {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ').slice(0, 500) };
  }
  const p = parsed.data;
  const code = p.status;
  const status = CARRIER_CODES[carrier]?.[code.toUpperCase()] ?? (NORMALIZED_STATUSES as readonly string[]).find((s) => s === code.toLowerCase());
  if (!status) return { ok: false, reason: `status: unknown status code "${code.slice(0, 64)}" for carrier ${carrier}` };
  const at = Date.parse(p.occurredAt);
  if (at > now + FUTURE_SKEW_MS) return { ok: false, reason: 'occurredAt: in the future' };
  return {
    ok: true,
    update: {
      trackingCode: p.trackingCode.toUpperCase(),
      status: status as Normalized,
      occurredAt: new Date(at).toISOString(),
      ...(p.description ? { description: p.description } : {}),
      ...(p.location ? { location: p.location } : {}),
    },
  };
}

/** The tracking code of a raw payload, for keying the received event (before validation). */
export function rawTrackingCode(payload: unknown): string {
  const code = (payload as { trackingCode?: unknown } | null)?.trackingCode;
  return typeof code === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(code.trim()) ? code.trim().toUpperCase() : 'unknown';
}
