/**
 * Integrations' configuration: the carriers' webhook secrets and the replay window.
 */
import { z } from 'zod';
import { baseConfigSchema } from '../kit/index.ts';

/** Integrations' config schema. */
export const integrationsConfigSchema = baseConfigSchema.extend({
  /**
   * `carrier:secret[|secret...][,carrier:secret...]`. Several secrets per carrier let a carrier
   * rotate: any of them verifies. Absent → no carrier is accepted.
   */
  CARRIER_SECRETS: z.string().optional(),
  /** Oldest accepted `X-Vitrine-Timestamp` (and how far in the future), seconds. */
  WEBHOOK_TOLERANCE_S: z.coerce.number().int().positive().max(3600).default(300),
});

/** Parsed integrations config. */
export type IntegrationsConfig = z.infer<typeof integrationsConfigSchema>;

/** Secrets by carrier. */
export type CarrierSecrets = ReadonlyMap<string, readonly Buffer[]>;

const CARRIER_PATTERN = /^[a-z0-9-]{1,64}$/;
/** Shortest accepted secret: an HMAC-SHA256 key shorter than this is guessable. */
export const MIN_WEBHOOK_SECRET_LENGTH = 24;

/** Parses CARRIER_SECRETS; the error names the entry, never the secret. */
export function parseCarrierSecrets(spec: string | undefined): CarrierSecrets {
  const out = new Map<string, Buffer[]>();
  for (const [i, entry] of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean).entries()) {
    const sep = entry.indexOf(':');
    const carrier = sep > 0 ? entry.slice(0, sep) : '';
    if (!CARRIER_PATTERN.test(carrier)) throw new Error(`CARRIER_SECRETS entry #${i + 1}: expected carrier:secret with a carrier of ${CARRIER_PATTERN.source}`);
    const secrets = entry.slice(sep + 1).split('|').filter(Boolean);
    if (secrets.length === 0 || secrets.some((s) => s.length < MIN_WEBHOOK_SECRET_LENGTH)) {
      throw new Error(`CARRIER_SECRETS ${carrier}: every secret must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
    }
    out.set(carrier, [...(out.get(carrier) ?? []), ...secrets.map((s) => Buffer.from(s))]);
  }
  return out;
}
