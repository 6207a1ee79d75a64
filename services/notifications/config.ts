/**
 * Notifications' configuration: which provider sends, its settings, retries, and where shipping
 * answers for tracking links.
 */
import { z } from 'zod';
import { baseConfigSchema } from '../kit/index.ts';

/** Notifications' config schema. */
export const notificationsConfigSchema = baseConfigSchema.extend({
  /** `log` (default: writes ids only), `smtp` or `webhook`. */
  NOTIFY_PROVIDER: z.enum(['log', 'smtp', 'webhook']).default('log'),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25),
  SMTP_FROM: z.email().default('no-reply@vitrine.localhost'),
  /** Name given in EHLO. */
  SMTP_HELO: z.string().regex(/^[A-Za-z0-9.-]+$/).default('vitrine.localhost'),
  NOTIFY_WEBHOOK_URL: z.url().optional(),
  /** Signs webhook deliveries (same scheme as carrier webhooks); absent → unsigned. */
  NOTIFY_WEBHOOK_SECRET: z.string().min(24).optional(),
  /** Attempts per notification before it becomes a dead letter. */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** First back-off; doubles each attempt. */
  NOTIFY_BACKOFF_MS: z.coerce.number().int().positive().default(2_000),
  NOTIFY_POLL_MS: z.coerce.number().int().positive().default(500),
  /** Shipping's base URL, for tracking links (`/internal/shipments/:id/tracking-link`). */
  SHIPPING_URL: z.url().optional(),
  /** Bearer token for shipping's internal routes. */
  SHIPPING_INTERNAL_TOKEN: z.string().min(16).optional(),
  /** Where customers find a parcel when no link can be had. */
  TRACKING_HOME_URL: z.url().default('https://rastreio.vitrine.localhost/'),
});

/** Parsed notifications config. */
export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
