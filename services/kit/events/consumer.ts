/**
 * The consumer side of the bus, written once over the transport port:
 *
 * 1. decode and validate the CloudEvent (an invalid record goes straight to the dead-letter topic);
 * 2. in one transaction, record the event id in the inbox and run the handler; a duplicate id
 *    (redelivery) is skipped, so effects happen exactly once;
 * 3. on failure, retry in process with exponential back-off (heartbeating meanwhile), then move
 *    the record to `<topic>.<group>.retry` with a not-before time, so the partition keeps flowing;
 *    after the retry-topic attempts, to `<topic>.<group>.dlq` with the reason in headers.
 *
 * A handler that throws {@link UnprocessableEventError} skips the retries (it will never succeed).
 * If the store itself is down the record is not moved on: the transport redelivers it later, so an
 * outage does not empty the topic into the dead-letter queue.
 */
import type { Db, Tx } from '../db/db.ts';
import type { Logger } from '../logging.ts';
import { runWithContext } from '../context.ts';
import { deadLetterTopic, retryTopic } from './catalog.ts';
import { fromWire, InvalidEventError, type Catalog, type CloudEvent, type DataOf, type NewEvent } from './envelope.ts';
import { H, errorText, withoutKitHeaders } from './headers.ts';
import type { Outbox } from './outbox.ts';
import type { DeliveredRecord, DeliveryControl, Transport } from './transport.ts';
import type { EventMetrics } from './metrics.ts';

/** Thrown by a handler for an event it can never handle: dead-lettered without retries. */
export class UnprocessableEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnprocessableEventError';
  }
}

/** What a handler gets besides the event. */
export interface HandlerContext<C extends Catalog> {
  /** The transaction that also records the event in the inbox: write effects through it. */
  readonly tx: Tx;
  readonly log: Logger;
  /** Publishes a follow-up event in the same transaction (causation = this event). */
  publish<T extends keyof C & string>(event: NewEvent<C, T>): Promise<CloudEvent<DataOf<C, T>, T>>;
  /** 1 for the first in-process attempt. */
  readonly attempt: number;
  /** Times the record went through the retry topic already. */
  readonly retries: number;
}

/** A handler of event type `T`. */
export type EventHandler<C extends Catalog, T extends keyof C & string> = (event: CloudEvent<DataOf<C, T>, T>, ctx: HandlerContext<C>) => Promise<void>;

/** Handlers by event type. */
export type Handlers<C extends Catalog> = { readonly [T in keyof C & string]?: EventHandler<C, T> };

/** Retry policy. */
export interface RetryPolicy {
  /** In-process attempts before the retry topic. @default 3 */
  readonly attempts?: number;
  /** First in-process back-off; doubles each time. @default 100 */
  readonly backoffMs?: number;
  /** Passes through the retry topic before the dead-letter topic. @default 2 */
  readonly retryTopicAttempts?: number;
  /** Delay of the first retry-topic pass; doubles each pass. @default 5000 */
  readonly retryDelayMs?: number;
}

/** Options of {@link EventConsumer}. */
export interface ConsumerOptions<C extends Catalog> {
  readonly group: string;
  readonly catalog: C;
  readonly handlers: Handlers<C>;
  readonly db: Db;
  readonly transport: Transport;
  readonly log: Logger;
  readonly outbox?: Outbox<C>;
  /** Called after a handler's transaction that published events committed (wakes the relay). */
  readonly onPublished?: () => void;
  readonly retry?: RetryPolicy;
  readonly metrics?: EventMetrics;
}

type Outcome = 'handled' | 'duplicate' | 'ignored' | 'retry_topic' | 'dead_lettered';

const HEARTBEAT_EVERY_MS = 2_000;

/** Handles records of one consumer group (main and retry topics share this logic). */
export class EventConsumer<C extends Catalog> {
  readonly topics: readonly string[];
  private readonly policy: Required<RetryPolicy>;

  constructor(private readonly options: ConsumerOptions<C>) {
    const types = Object.keys(options.handlers);
    for (const t of types) if (!Object.hasOwn(options.catalog, t)) throw new Error(`group ${options.group}: no event "${t}" in the catalog`);
    this.topics = [...new Set(types.map((t) => (options.catalog[t] as { topic: string }).topic))].sort();
    this.policy = {
      attempts: options.retry?.attempts ?? 3,
      backoffMs: options.retry?.backoffMs ?? 100,
      retryTopicAttempts: options.retry?.retryTopicAttempts ?? 2,
      retryDelayMs: options.retry?.retryDelayMs ?? 5_000,
    };
  }

  /** Retry topics of this group. */
  get retryTopics(): string[] {
    return this.topics.map((t) => retryTopic(t, this.options.group));
  }

  /** Dead-letter topics of this group. */
  get deadLetterTopics(): string[] {
    return this.topics.map((t) => deadLetterTopic(t, this.options.group));
  }

  /** Handles one record from a main or retry topic. Throws only to have the record redelivered. */
  async handle(record: DeliveredRecord, control: DeliveryControl): Promise<Outcome> {
    const retries = Number(record.headers[H.retryCount] ?? 0);
    const notBefore = Number(record.headers[H.notBefore] ?? 0);
    if (notBefore > Date.now()) await this.wait(notBefore - Date.now(), control);
    if (control.stopping && notBefore > Date.now()) throw new Error('stopping before a delayed retry was due');

    let event: CloudEvent;
    try {
      event = fromWire(this.options.catalog, record);
    } catch (err) {
      return this.deadLetter(record, err, 0);
    }
    const handler = this.options.handlers[event.type as keyof C & string] as EventHandler<C, keyof C & string> | undefined;
    if (!handler) return this.count(event.type, 'ignored');

    let lastError: unknown;
    for (let attempt = 1; attempt <= this.policy.attempts; attempt++) {
      try {
        const outcome = await this.withHeartbeat(control, () => this.runHandler(handler, event, attempt, retries));
        return this.count(event.type, outcome);
      } catch (err) {
        lastError = err;
        if (err instanceof UnprocessableEventError || err instanceof InvalidEventError) return this.deadLetter(record, err, attempt);
        this.options.log.warn({ err: errorText(err), group: this.options.group, type: event.type, eventId: event.id, attempt }, 'event handler failed');
        if (attempt < this.policy.attempts) await this.wait(this.policy.backoffMs * 2 ** (attempt - 1), control);
      }
    }
    // A broken store is not the event's fault: keep the record and let the transport redeliver it.
    await this.options.db.ping();
    if (retries < this.policy.retryTopicAttempts) return this.toRetryTopic(record, lastError, retries, event.type);
    return this.deadLetter(record, lastError, this.policy.attempts * (retries + 1));
  }

  private runHandler(handler: EventHandler<C, keyof C & string>, event: CloudEvent, attempt: number, retries: number): Promise<Outcome> {
    const { db, group, log, outbox } = this.options;
    const ctx = { correlationId: event.correlationId, causationId: event.id, ...(event.traceparent ? { traceparent: event.traceparent } : {}) };
    return runWithContext(ctx, () =>
      db.tx(async (tx) => {
        const inserted = await tx.query('insert into inbox (consumer_group, event_id, event_type) values ($1, $2, $3) on conflict do nothing', [
          group,
          event.id,
          event.type,
        ]);
        if (inserted.rowCount === 0) return 'duplicate' as const;
        const handlerLog = log.child({ group, type: event.type, eventId: event.id });
        await handler(event as CloudEvent<never, keyof C & string>, {
          tx,
          log: handlerLog,
          attempt,
          retries,
          publish: (next) => {
            if (!outbox) throw new Error(`group ${group} has no outbox to publish with`);
            const wake = this.options.onPublished;
            if (wake) tx.onCommit(wake);
            return outbox.publish(tx, { causationId: event.id, correlationId: event.correlationId, ...next });
          },
        });
        return 'handled' as const;
      }),
    );
  }

  private originalTopic(record: DeliveredRecord): string {
    return record.headers[H.originalTopic] ?? record.topic;
  }

  private async toRetryTopic(record: DeliveredRecord, err: unknown, retries: number, type: string): Promise<Outcome> {
    const original = this.originalTopic(record);
    const delay = this.policy.retryDelayMs * 2 ** retries;
    await this.options.transport.send([
      {
        topic: retryTopic(original, this.options.group),
        key: record.key,
        value: record.value,
        headers: {
          ...withoutKitHeaders(record.headers),
          ...this.origin(record),
          [H.retryCount]: String(retries + 1),
          [H.notBefore]: String(Date.now() + delay),
          [H.error]: errorText(err),
          [H.errorType]: err instanceof Error ? err.name : typeof err,
        },
      },
    ]);
    this.options.log.warn({ group: this.options.group, type, retries: retries + 1, delayMs: delay }, 'event moved to the retry topic');
    return this.count(type, 'retry_topic');
  }

  private async deadLetter(record: DeliveredRecord, err: unknown, attempts: number): Promise<Outcome> {
    const original = this.originalTopic(record);
    const type = record.headers.ce_type ?? 'unknown';
    await this.options.transport.send([
      {
        topic: deadLetterTopic(original, this.options.group),
        key: record.key,
        value: record.value,
        headers: {
          ...withoutKitHeaders(record.headers),
          ...this.origin(record),
          [H.retryCount]: record.headers[H.retryCount] ?? '0',
          [H.error]: errorText(err),
          [H.errorType]: err instanceof Error ? err.name : typeof err,
          [H.group]: this.options.group,
          [H.failedAt]: new Date().toISOString(),
          [H.attempts]: String(attempts),
        },
      },
    ]);
    this.options.log.error({ group: this.options.group, type, eventId: record.headers.ce_id, reason: errorText(err) }, 'event dead-lettered');
    this.options.metrics?.deadLettered.inc({ group: this.options.group, topic: original });
    return this.count(type, 'dead_lettered');
  }

  private origin(record: DeliveredRecord): Record<string, string> {
    // Keep where the record was first seen, not where the retry topic had it.
    const first = record.headers[H.originalTopic];
    if (first) {
      return {
        [H.originalTopic]: first,
        [H.originalPartition]: record.headers[H.originalPartition] ?? '',
        [H.originalOffset]: record.headers[H.originalOffset] ?? '',
      };
    }
    return { [H.originalTopic]: record.topic, [H.originalPartition]: String(record.partition), [H.originalOffset]: record.offset };
  }

  private count(type: string, outcome: Outcome): Outcome {
    this.options.metrics?.handled.inc({ group: this.options.group, type, outcome });
    return outcome;
  }

  private async withHeartbeat<T>(control: DeliveryControl, fn: () => Promise<T>): Promise<T> {
    // A slow handler must not cost the group membership: heartbeat while it runs.
    const timer = setInterval(() => {
      control.heartbeat().catch(() => {});
    }, HEARTBEAT_EVERY_MS);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }

  private async wait(ms: number, control: DeliveryControl): Promise<void> {
    const until = Date.now() + ms;
    while (!control.stopping && Date.now() < until) {
      await new Promise((r) => setTimeout(r, Math.min(HEARTBEAT_EVERY_MS, until - Date.now(), 250)));
      await control.heartbeat().catch(() => {});
    }
  }
}
