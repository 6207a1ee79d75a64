/**
 * Event metrics: consumer lag, outbox age (oldest unsent), dead letters (count and depth), and
 * handling outcomes. Gauges are computed when Prometheus scrapes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** Counters the consumer updates. */
export interface EventMetrics {
  readonly handled: Counter<'group' | 'type' | 'outcome'>;
  readonly deadLettered: Counter<'group' | 'topic'>;
  readonly relayed: Counter;
}

/** Sources the gauges read at scrape time. */
export interface EventGaugeSources {
  /** Lag per group and topic. */
  lag(): Promise<{ group: string; topic: string; lag: number }[]>;
  /** Dead letters not replayed yet, per group and topic. */
  deadLetterDepth(): Promise<{ group: string; topic: string; lag: number }[]>;
  /** Age in seconds of the oldest unsent outbox row. */
  outboxAge(): Promise<number>;
}

/** Registers the event metrics on `registry`. */
export function createEventMetrics(registry: Registry, sources: EventGaugeSources): EventMetrics {
  new Gauge({
    name: 'events_consumer_lag',
    help: 'Records on a topic not yet handled by a consumer group',
    labelNames: ['group', 'topic'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const r of await sources.lag()) this.set({ group: r.group, topic: r.topic }, r.lag);
      } catch {
        // A scrape must not fail because the broker is unreachable; the gauge is just absent.
      }
    },
  });
  new Gauge({
    name: 'events_dead_letter_depth',
    help: 'Dead letters of a consumer group not replayed yet',
    labelNames: ['group', 'topic'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const r of await sources.deadLetterDepth()) this.set({ group: r.group, topic: r.topic }, r.lag);
      } catch {
        // see above
      }
    },
  });
  new Gauge({
    name: 'events_outbox_oldest_unsent_seconds',
    help: 'Age of the oldest outbox row not yet sent by the relay (0 when none)',
    registers: [registry],
    async collect() {
      try {
        this.set(await sources.outboxAge());
      } catch {
        // see above
      }
    },
  });
  return {
    handled: new Counter({
      name: 'events_handled_total',
      help: 'Records handled by consumer groups, by outcome (handled, duplicate, ignored, retry_topic, dead_lettered)',
      labelNames: ['group', 'type', 'outcome'] as const,
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'events_dead_lettered_total',
      help: 'Records moved to a dead-letter topic',
      labelNames: ['group', 'topic'] as const,
      registers: [registry],
    }),
    relayed: new Counter({ name: 'events_relayed_total', help: 'Outbox rows sent by the relay', registers: [registry] }),
  };
}
