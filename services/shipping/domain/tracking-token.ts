/**
 * Tracking link tokens: `<payload>.<mac>`, both base64url, where payload = `<kid>.<shipmentId>.<exp>`
 * (exp in Unix seconds) and mac = HMAC-SHA256(key[kid], payload). Verification recomputes the MAC
 * and compares it with `crypto.timingSafeEqual`; an unknown kid still costs one HMAC so that timing
 * does not tell a guesser which kids exist. Every failure is the same `null`: the caller answers the
 * same 404 for unknown, forged, tampered and expired tokens.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from './key-ring.ts';

const MAC_BYTES = 32;
const DUMMY_KEY = Buffer.alloc(32);
/** Longest token accepted before any work is done (a shipment id is at most 128 characters). */
export const MAX_TOKEN_LENGTH = 512;

/** What a valid token says. */
export interface TokenClaims {
  readonly kid: string;
  readonly shipmentId: string;
  /** Expiry, Unix seconds. */
  readonly exp: number;
}

function mac(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/** Signs a token for `shipmentId` that expires at `expiresAt` with the ring's active key. */
export function signTrackingToken(ring: KeyRing, shipmentId: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const payload = `${ring.active.kid}.${shipmentId}.${exp}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(ring.active.secret, payload).toString('base64url')}`;
}

/** Verifies a token; `null` when it is malformed, forged, tampered with, signed by an unknown key or expired. */
export function verifyTrackingToken(ring: KeyRing, token: string, now: Date = new Date()): TokenClaims | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || token.indexOf('.', dot + 1) !== -1) return null;
  const payloadPart = token.slice(0, dot);
  const macPart = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(payloadPart) || !/^[A-Za-z0-9_-]+$/.test(macPart)) return null;
  const payload = Buffer.from(payloadPart, 'base64url').toString('utf8');
  // Re-encoding must give back the same text: rejects non-canonical base64url spellings.
  if (Buffer.from(payload).toString('base64url') !== payloadPart) return null;
  const given = Buffer.from(macPart, 'base64url');
  const parts = payload.split('.');
  const [kid, shipmentId, expText] = parts;
  const key = kid === undefined ? undefined : ring.keys.get(kid);
  const expected = mac(key?.secret ?? DUMMY_KEY, payload);
  const sameLength = given.length === MAC_BYTES;
  const equal = timingSafeEqual(sameLength ? given : expected, expected) && sameLength;
  if (!equal || !key || parts.length !== 3 || !shipmentId || !expText || !/^\d{1,12}$/.test(expText)) return null;
  const exp = Number(expText);
  if (exp * 1000 <= now.getTime()) return null;
  return { kid: key.kid, shipmentId, exp };
}
