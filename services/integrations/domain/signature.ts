/**
 * Webhook signatures: `X-Vitrine-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`
 * with `X-Vitrine-Timestamp` in Unix seconds. Signing the timestamp with the body means an old
 * request cannot be replayed with a fresh timestamp; the event id check catches replays inside the
 * window. Comparison is constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook. */
export const SIGNATURE_HEADER = 'x-vitrine-signature';
export const TIMESTAMP_HEADER = 'x-vitrine-timestamp';
export const EVENT_ID_HEADER = 'x-vitrine-event-id';

/** Why a webhook was refused. */
export type WebhookRejection = 'unknown_carrier' | 'missing_headers' | 'bad_signature' | 'stale_timestamp' | 'replayed';

/** Computes the signature header value. */
export function signWebhook(secret: string | Buffer, timestamp: number | string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/** What is checked. */
export interface WebhookCheck {
  readonly secrets: readonly Buffer[];
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly rawBody: Buffer;
  readonly toleranceS: number;
  readonly nowMs?: number;
}

/**
 * Checks signature then timestamp; `undefined` when both are good. The signature is checked first
 * so that a forger learns nothing about the clock window.
 */
export function checkWebhook(c: WebhookCheck): Exclude<WebhookRejection, 'unknown_carrier' | 'replayed'> | undefined {
  if (!c.signature || !c.timestamp || !/^\d{1,12}$/.test(c.timestamp)) return 'missing_headers';
  const match = /^sha256=([0-9a-f]{64})$/.exec(c.signature.trim());
  if (!match) return 'bad_signature';
  const given = Buffer.from(match[1]!, 'hex');
  let ok = false;
  for (const secret of c.secrets) {
    const expected = createHmac('sha256', secret).update(`${c.timestamp}.`).update(c.rawBody).digest();
    // Every secret is tried, whatever the outcome, so the time does not tell which one matched.
    if (timingSafeEqual(given, expected)) ok = true;
  }
  if (!ok) return 'bad_signature';
  const ageS = (c.nowMs ?? Date.now()) / 1000 - Number(c.timestamp);
  if (Math.abs(ageS) > c.toleranceS) return 'stale_timestamp';
  return undefined;
}
