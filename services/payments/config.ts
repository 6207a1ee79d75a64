/**
 * Configuration of the payments service: the kit's base variables plus the provider's.
 */
import { z } from 'zod';
import { baseConfigSchema, loadConfig, parseConfig, type BaseConfig } from '../kit/index.ts';

/** Variables of the payments service. */
export const paymentsConfigSchema = baseConfigSchema.extend({
  CONSUMER_GROUP: z.string().regex(/^[a-z][a-z0-9._-]{0,80}$/).default('payments'),
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
  /** Which provider adapter to use; only the deterministic test provider exists so far. */
  PAYMENT_PROVIDER: z.enum(['test']).default('test'),
  /** Time allowed for one provider call. */
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

/** Parsed payments config. */
export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;

/** The config from a given base config (plus this service's variables from the environment), or from the environment. */
export function paymentsConfig(given?: BaseConfig): Readonly<PaymentsConfig> {
  if (!given) return loadConfig(paymentsConfigSchema);
  // Base variables come from `given` only (it may mean "embedded engines"); ours may come from the environment.
  const own = Object.keys(paymentsConfigSchema.shape).filter((k) => !(k in baseConfigSchema.shape));
  const fromEnv = Object.fromEntries(own.map((k) => [k, process.env[k]]));
  const asEnv = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v === undefined ? undefined : String(v)]));
  return parseConfig(paymentsConfigSchema, { ...fromEnv, ...asEnv });
}
