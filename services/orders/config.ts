/**
 * Configuration of the orders service: the kit's base variables plus the saga's.
 */
import { z } from 'zod';
import { baseConfigSchema, loadConfig, parseConfig, type BaseConfig } from '../kit/index.ts';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Variables of the orders service. */
export const ordersConfigSchema = baseConfigSchema.extend({
  /** Base URL of the cart service's internal API (`GET/DELETE /internal/carts/:userId`). */
  CART_URL: z.url().default('http://127.0.0.1:8083'),
  /** Time allowed for a cart call. */
  CART_TIMEOUT_MS: ms(3_000),
  /** Consumer group name (unique per deployment; tests use their own). */
  CONSUMER_GROUP: z.string().regex(/^[a-z][a-z0-9._-]{0,80}$/).default('orders'),
  /** Partitions handled in parallel per group. */
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
  /** A placed order with no answer from inventory within this time is cancelled. */
  RESERVATION_TIMEOUT_MS: ms(60_000),
  /** A reserved order with no answer from payments within this time is cancelled. */
  PAYMENT_TIMEOUT_MS: ms(60_000),
  /** How often overdue orders are looked for. */
  SAGA_SWEEP_MS: ms(1_000),
  /** How long an Idempotency-Key is remembered; a key older than this may be used again. */
  IDEMPOTENCY_KEY_TTL_MS: ms(24 * 3_600_000),
  /** Base URL of shipping's internal API, which signs tracking links. */
  SHIPPING_URL: z.url().optional(),
  /** Bearer token for shipping's `/internal/*` routes (when shipping requires one). */
  INTERNAL_API_TOKEN: z.string().min(16).optional(),
  /** Time allowed for a tracking-link call. */
  SHIPPING_TIMEOUT_MS: ms(1_000),
  /** Fallback tracking link template when SHIPPING_URL is not set; `{trackingCode}` and `{carrier}` are replaced. Absent → no trackingUrl. */
  TRACKING_URL_TEMPLATE: z.string().max(500).optional(),
});

/** Parsed orders config. */
export type OrdersConfig = z.infer<typeof ordersConfigSchema>;

/** The config from a given base config (plus this service's variables from the environment), or from the environment. */
export function ordersConfig(given?: BaseConfig): Readonly<OrdersConfig> {
  if (!given) return loadConfig(ordersConfigSchema);
  // Base variables come from `given` only (it may mean "embedded engines"); ours may come from the environment.
  const own = Object.keys(ordersConfigSchema.shape).filter((k) => !(k in baseConfigSchema.shape));
  const fromEnv = Object.fromEntries(own.map((k) => [k, process.env[k]]));
  const asEnv = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v === undefined ? undefined : String(v)]));
  return parseConfig(ordersConfigSchema, { ...fromEnv, ...asEnv });
}
