/**
 * The event bus of one service: the outbox to publish with, the relay that sends it, and the
 * consumer groups with their inbox, retry and dead-letter topics — on Kafka or in process.
 */
import type { Registry } from 'prom-client';
import type { Db, Tx } from '../db/db.ts';
import type { Logger } from '../logging.ts';
import type { Health } from '../health.ts';
import type { Catalog, CloudEvent, DataOf, NewEvent } from './envelope.ts';
import { Outbox } from './outbox.ts';
import { OutboxRelay } from './relay.ts';
import { EventConsumer, type Handlers, type RetryPolicy } from './consumer.ts';
import { createEventMetrics, type EventMetrics } from './metrics.ts';
import { replayDeadLetters, replayGroup } from './replay.ts';
import type { Subscription, Transport } from './transport.ts';

/** Options of {@link EventBus}. */
export interface EventBusOptions<C extends Catalog> {
  readonly catalog: C;
  /** Service name; the CloudEvents source is `/vitrine/<service>`. */
  readonly service: string;
  readonly db: Db;
  readonly transport: Transport;
  readonly log: Logger;
  /** Where to register the event metrics. */
  readonly registry?: Registry;
  /** Consumer crashes mark this unready. */
  readonly health?: Health;
  /** Relay settings; `false` runs no relay in this process. */
  readonly relay?: { readonly batchSize?: number; readonly pollMs?: number } | false;
}

/** Options of {@link EventBus.subscribe}. */
export interface SubscriptionOptions {
  readonly retry?: RetryPolicy;
  /** Partitions handled in parallel. @default 1 */
  readonly concurrency?: number;
}

interface Group {
  readonly consumer: EventConsumer<Catalog>;
  readonly options: SubscriptionOptions;
  readonly running: Subscription[];
}

/** The bus of one service. */
export class EventBus<C extends Catalog> {
  readonly outbox: Outbox<C>;
  readonly relay: OutboxRelay | undefined;
  private readonly groups = new Map<string, Group>();
  private readonly metrics: EventMetrics | undefined;
  private started = false;

  constructor(private readonly options: EventBusOptions<C>) {
    this.outbox = new Outbox(options.catalog, `/vitrine/${options.service}`);
    this.metrics = options.registry
      ? createEventMetrics(options.registry, {
          lag: () => this.lag(),
          deadLetterDepth: () => this.deadLetterDepth(),
          outboxAge: () => this.relay?.oldestUnsentAgeSeconds() ?? Promise.resolve(0),
        })
      : undefined;
    const relayed = this.metrics?.relayed;
    this.relay =
      options.relay === false
        ? undefined
        : new OutboxRelay({
            db: options.db,
            transport: options.transport,
            log: options.log,
            ...(options.relay ?? {}),
            ...(relayed ? { onSent: (n: number) => relayed.inc(n) } : {}),
          });
  }

  /** Writes an event into the outbox inside `tx`; it is sent after commit. */
  publish<T extends keyof C & string>(tx: Tx, event: NewEvent<C, T>): Promise<CloudEvent<DataOf<C, T>, T>> {
    // Wake the relay as soon as the row is visible, instead of at its next poll.
    tx.onCommit(() => this.relay?.wake());
    return this.outbox.publish(tx, event);
  }

  /**
   * Registers the handlers of consumer group `group` (usually the service name). Starts now when
   * the bus runs already, else with {@link start}.
   */
  async subscribe(group: string, handlers: Handlers<C>, options: SubscriptionOptions = {}): Promise<void> {
    if (this.groups.has(group)) throw new Error(`consumer group ${group} is already subscribed`);
    const consumer = new EventConsumer<C>({
      group,
      catalog: this.options.catalog,
      handlers,
      db: this.options.db,
      transport: this.options.transport,
      log: this.options.log,
      outbox: this.outbox,
      onPublished: () => this.relay?.wake(),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(this.metrics ? { metrics: this.metrics } : {}),
    });
    const entry: Group = { consumer: consumer as unknown as EventConsumer<Catalog>, options, running: [] };
    this.groups.set(group, entry);
    if (this.started) await this.startGroup(group, entry);
  }

  /** Creates the topics, starts the relay and every registered group. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const topics = new Set(Object.values(this.options.catalog).map((d) => d.topic));
    for (const g of this.groups.values()) for (const t of [...g.consumer.retryTopics, ...g.consumer.deadLetterTopics]) topics.add(t);
    await this.options.transport.ensureTopics([...topics].map((topic) => ({ topic })));
    this.relay?.start();
    for (const [name, g] of this.groups) await this.startGroup(name, g);
  }

  /** Stops consuming (handlers in flight finish), sends what is left in the outbox, stops the relay. */
  async stop(flushDeadlineMs = 10_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all([...this.groups.values()].flatMap((g) => g.running.splice(0).map((s) => s.stop())));
    if (this.relay) {
      await this.relay.stop();
      await this.relay.flush(flushDeadlineMs);
    }
  }

  /** Moves the dead letters of `group` back to its retry topic; returns how many. */
  async replay(group: string): Promise<number> {
    const g = this.groups.get(group);
    if (!g) throw new Error(`no consumer group ${group} in this service`);
    return replayDeadLetters(this.options.transport, group, g.consumer.topics);
  }

  /** Lag of every group on its main and retry topics. */
  async lag(): Promise<{ group: string; topic: string; lag: number }[]> {
    const out = [];
    for (const [name, g] of this.groups) {
      out.push(...(await this.options.transport.lag(name, g.consumer.topics)));
      out.push(...(await this.options.transport.lag(`${name}.retry`, g.consumer.retryTopics)));
    }
    return out;
  }

  /** Dead letters not replayed yet, per group and dead-letter topic. */
  async deadLetterDepth(): Promise<{ group: string; topic: string; lag: number }[]> {
    const out = [];
    for (const [name, g] of this.groups) {
      const depth = await this.options.transport.lag(replayGroup(name), g.consumer.deadLetterTopics);
      out.push(...depth.map((d) => ({ ...d, group: name })));
    }
    return out;
  }

  private async startGroup(name: string, g: Group): Promise<void> {
    const { transport, health } = this.options;
    // Main topics and retry topics are consumed by separate groups: a delayed retry waiting for
    // its time must not hold up fresh records on the main partitions.
    const pairs: [string, readonly string[]][] = [
      [name, g.consumer.topics],
      [`${name}.retry`, g.consumer.retryTopics],
    ];
    for (const [groupId, topics] of pairs) {
      const sub = await transport.subscribe({
        group: groupId,
        topics,
        concurrency: g.options.concurrency ?? 1,
        handler: async (record, control) => {
          await g.consumer.handle(record, control);
        },
        onStateChange: (state, reason) => {
          if (state === 'crashed') health?.setUnready(`consumer:${groupId}`, reason ?? 'crashed');
          else health?.setReady(`consumer:${groupId}`);
        },
      });
      g.running.push(sub);
    }
  }
}
