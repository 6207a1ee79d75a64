/**
 * Configuration of the inventory service: the kit's base variables plus reservation settings.
 */
import { z } from 'zod';
import { baseConfigSchema, loadConfig, parseConfig, type BaseConfig } from '../kit/index.ts';

/** Variables of the inventory service. */
export const inventoryConfigSchema = baseConfigSchema.extend({
  CONSUMER_GROUP: z.string().regex(/^[a-z][a-z0-9._-]{0,80}$/).default('inventory'),
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
  /** A reservation not confirmed within this time is released (keep it above the orders saga timeouts). */
  RESERVATION_TTL_MS: z.coerce.number().int().positive().default(15 * 60_000),
  /** How often expired reservations are looked for. */
  RESERVATION_SWEEP_MS: z.coerce.number().int().positive().default(5_000),
});

/** Parsed inventory config. */
export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;

/** The config from a given base config (plus this service's variables from the environment), or from the environment. */
export function inventoryConfig(given?: BaseConfig): Readonly<InventoryConfig> {
  if (!given) return loadConfig(inventoryConfigSchema);
  // Base variables come from `given` only (it may mean "embedded engines"); ours may come from the environment.
  const own = Object.keys(inventoryConfigSchema.shape).filter((k) => !(k in baseConfigSchema.shape));
  const fromEnv = Object.fromEntries(own.map((k) => [k, process.env[k]]));
  const asEnv = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v === undefined ? undefined : String(v)]));
  return parseConfig(inventoryConfigSchema, { ...fromEnv, ...asEnv });
}
