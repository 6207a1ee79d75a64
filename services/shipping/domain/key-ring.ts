/**
 * The key ring of the tracking links: several HMAC keys, each with a key id (`kid`). New links are
 * signed with the active key; links signed with any key still in the ring verify, so a key can be
 * rotated by adding a new one, making it active, and removing the old one once its links expired.
 */

/** One signing key. */
export interface TrackingKey {
  readonly kid: string;
  readonly secret: Buffer;
}

/** A parsed key ring. */
export interface KeyRing {
  /** The key new links are signed with. */
  readonly active: TrackingKey;
  /** Every key that still verifies, by kid. */
  readonly keys: ReadonlyMap<string, TrackingKey>;
}

const KID_PATTERN = /^[A-Za-z0-9_-]{1,16}$/;
/** HMAC-SHA256 keys shorter than this are guessable; refuse them. */
export const MIN_SECRET_BYTES = 32;

/**
 * Parses `kid:secret[,kid:secret...]` (secrets base64url or base64). The active key is `activeKid`
 * when given, else the first one.
 * @throws Error naming the offending entry (never echoing a secret).
 */
export function parseKeyRing(spec: string, activeKid?: string): KeyRing {
  const keys = new Map<string, TrackingKey>();
  const entries = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error('the tracking key ring is empty');
  for (const [i, entry] of entries.entries()) {
    const sep = entry.indexOf(':');
    const kid = sep > 0 ? entry.slice(0, sep) : '';
    if (!KID_PATTERN.test(kid)) throw new Error(`tracking key #${i + 1}: expected kid:secret with a kid of ${KID_PATTERN.source}`);
    const secret = Buffer.from(entry.slice(sep + 1), 'base64url');
    if (secret.length < MIN_SECRET_BYTES) throw new Error(`tracking key ${kid}: the secret must be at least ${MIN_SECRET_BYTES} bytes`);
    if (keys.has(kid)) throw new Error(`tracking key ${kid} appears twice`);
    keys.set(kid, { kid, secret });
  }
  const active = keys.get(activeKid ?? entries[0]!.slice(0, entries[0]!.indexOf(':')));
  if (!active) throw new Error(`the active tracking key ${activeKid ?? ''} is not in the ring`);
  return { active, keys };
}
