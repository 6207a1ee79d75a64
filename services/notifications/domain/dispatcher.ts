/**
 * The dispatcher: sends queued notifications through the provider, outside any transaction (a slow
 * provider must not hold a database connection), with exponential back-off; after the last attempt
 * the notification is a dead letter. Each final state publishes `notification.sent` or
 * `notification.failed` through the outbox.
 */
import type { Db, EventData, Logger, Tx } from '../../kit/index.ts';
import type { NotificationProvider } from '../providers/provider.ts';
import { PermanentDeliveryError } from '../providers/provider.ts';
import type { TrackingLinkResolver } from '../providers/tracking-links.ts';
import { render, type Locale } from './templates.ts';
import { backoffMs } from './rules.ts';
import { claimDue, findRecipient, finish, retryLater, type NotificationRow } from '../data/notifications-repo.ts';

/** Publishes the outcome in a transaction. */
export type PublishOutcome = (
  tx: Tx,
  event: { type: 'notification.sent'; data: EventData<'notification.sent'> } | { type: 'notification.failed'; data: EventData<'notification.failed'> },
) => Promise<unknown>;

/** Options of {@link Dispatcher}. */
export interface DispatcherOptions {
  readonly db: Db;
  readonly log: Logger;
  readonly provider: NotificationProvider;
  readonly links: TrackingLinkResolver;
  readonly publish: PublishOutcome;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly pollMs: number;
  /** Counts outcomes. */
  readonly onOutcome?: (outcome: 'sent' | 'retry' | 'dead' | 'skipped') => void;
}

const BATCH = 20;
const LEASE_MS = 60_000;

/** Polls the queue and sends. */
export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly o: DispatcherOptions) {}

  /** Starts polling. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling; the batch in flight finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Sends one batch of due notifications; returns how many were handled. */
  async runOnce(): Promise<number> {
    const due = await claimDue(this.o.db, BATCH, LEASE_MS);
    for (const n of due) await this.deliver(n);
    return due.length;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((n) => this.schedule(n === BATCH ? 0 : this.o.pollMs))
        .catch((err: unknown) => {
          this.o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'notification dispatch failed');
          this.schedule(this.o.pollMs);
        });
    }, ms);
  }

  private async deliver(n: NotificationRow): Promise<void> {
    const attempt = n.attempts + 1;
    const recipient = n.customerId ? await findRecipient(this.o.db, n.customerId) : undefined;
    // Opted out after the notification was queued: honour it.
    if (recipient?.optedOut) {
      await finish(this.o.db, n.id, 'skipped', n.attempts, 'customer opted out');
      this.o.onOutcome?.('skipped');
      return;
    }
    const locale: Locale = recipient?.locale === 'en' ? 'en' : 'pt-BR';
    try {
      const params = n.template === 'shipment_created' && n.params.trackingUrl === undefined && n.params.shipmentId
        ? { ...n.params, trackingUrl: await this.o.links(n.params.shipmentId) }
        : n.params;
      const message = render(n.template, locale, { ...params, ...(recipient?.name ? { name: recipient.name } : {}) });
      await this.o.provider.send({
        id: n.id,
        template: n.template,
        locale,
        ...(n.customerId ? { customerId: n.customerId } : {}),
        ...(recipient?.email ? { to: recipient.email } : {}),
        ...message,
      });
      await this.o.db.tx(async (tx) => {
        await finish(tx, n.id, 'sent', attempt);
        await this.o.publish(tx, { type: 'notification.sent', data: { notificationId: n.id, channel: this.o.provider.channel, template: n.template, ...(n.customerId ? { customerId: n.customerId } : {}) } });
      });
      this.o.onOutcome?.('sent');
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const permanent = err instanceof PermanentDeliveryError;
      if (!permanent && attempt < this.o.maxAttempts) {
        await retryLater(this.o.db, n.id, attempt, backoffMs(this.o.backoffMs, attempt), reason);
        this.o.onOutcome?.('retry');
        this.o.log.warn({ notificationId: n.id, template: n.template, attempt, reason }, 'notification failed; retrying later');
        return;
      }
      await this.o.db.tx(async (tx) => {
        await finish(tx, n.id, 'dead', attempt, reason);
        await this.o.publish(tx, {
          type: 'notification.failed',
          data: { notificationId: n.id, channel: this.o.provider.channel, template: n.template, reason, ...(n.customerId ? { customerId: n.customerId } : {}) },
        });
      });
      this.o.onOutcome?.('dead');
      this.o.log.error({ notificationId: n.id, template: n.template, attempt, reason }, 'notification dead-lettered');
    }
  }
}
