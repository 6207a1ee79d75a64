/**
 * Which event makes which notification, for whom, and whether the customer wants it.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../kit/index.ts';
import type { TemplateName, TemplateParams } from './templates.ts';
import { enqueue, findRecipient } from '../data/notifications-repo.ts';

/** Something to notify about. */
export interface Intent {
  readonly eventId: string;
  readonly template: TemplateName;
  readonly customerId?: string;
  readonly params: TemplateParams;
  /** Only for customers who opted in (checkpoint updates). */
  readonly optIn?: 'shipmentUpdates';
}

/**
 * Queues the notification of `intent` unless the customer opted out (or did not opt in where that
 * is needed). Returns the notification id, or undefined when nothing was queued.
 */
export async function queueIntent(tx: Queryable, intent: Intent, channel: string): Promise<string | undefined> {
  const recipient = intent.customerId ? await findRecipient(tx, intent.customerId) : undefined;
  if (recipient?.optedOut) return undefined;
  if (intent.optIn === 'shipmentUpdates' && !recipient?.shipmentUpdates) return undefined;
  const id = randomUUID();
  const queued = await enqueue(tx, {
    id,
    eventId: intent.eventId,
    template: intent.template,
    ...(intent.customerId ? { customerId: intent.customerId } : {}),
    channel,
    params: intent.params,
  });
  return queued ? id : undefined;
}

/** Back-off before attempt `attempt + 1`: `base × 2^(attempt-1)`, with ±20 % jitter, capped at an hour. */
export function backoffMs(baseMs: number, attempt: number, random = Math.random): number {
  const raw = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(raw * (0.8 + 0.4 * random()));
}
