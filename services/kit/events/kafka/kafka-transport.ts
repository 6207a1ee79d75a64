/**
 * The transport on Kafka with kafkajs. Pitfalls handled here:
 * - the producer is idempotent with `acks=all` and one request in flight, so a retried batch is
 *   neither duplicated nor reordered within a partition (per-key order);
 * - consumers heartbeat during slow handlers (the handler gets `heartbeat()`), and a session
 *   timeout well above the longest pause between heartbeats;
 * - `consumer.events.CRASH` is reported (readiness goes down); when kafkajs does not restart the
 *   consumer itself, this transport does, with back-off;
 * - new consumer groups start from the earliest offset, so nothing published before the group
 *   first joined is missed.
 */
import kafkajs from 'kafkajs';
import type { Admin, Consumer, Kafka, Producer, IHeaders, KafkaMessage } from 'kafkajs';
import type { Logger } from '../../logging.ts';
import type { WireRecord } from '../envelope.ts';
import type { DeliveredRecord, LagReport, SubscribeOptions, Subscription, TopicSpec, Transport } from '../transport.ts';
import { kafkaLogCreator } from './kafka-logging.ts';

/** Options of {@link createKafkaTransport}. */
export interface KafkaTransportOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly log: Logger;
  /** @default 30000 */
  readonly sessionTimeoutMs?: number;
  /** Default partitions for ensureTopics. @default 3 */
  readonly partitions?: number;
  /** Default replication factor for ensureTopics. @default 1 */
  readonly replicationFactor?: number;
}

const RESTART_DELAY_MS = 5_000;

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const one = Array.isArray(v) ? v[v.length - 1] : v;
    if (one !== undefined) out[k] = Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
  }
  return out;
}

function delivered(topic: string, partition: number, message: KafkaMessage): DeliveredRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value: message.value?.toString('utf8') ?? '',
    headers: headerText(message.headers),
  };
}

/** Creates a Kafka transport; connects the producer and the admin client. */
export async function createKafkaTransport(options: KafkaTransportOptions): Promise<Transport> {
  const kafka: Kafka = new kafkajs.Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: kafkajs.logLevel.WARN,
    logCreator: kafkaLogCreator(options.log),
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
  const admin: Admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const subscriptions = new Set<Subscription>();
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;

  async function offsetsBehind(group: string, topics: readonly string[]): Promise<Map<string, Map<number, { committed: number; low: number; high: number }>>> {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    const result = new Map<string, Map<number, { committed: number; low: number; high: number }>>();
    if (present.length === 0) return result;
    const committed = await admin.fetchOffsets({ groupId: group, topics: present });
    for (const t of present) {
      const ends = await admin.fetchTopicOffsets(t);
      const mine = committed.find((c) => c.topic === t);
      const parts = new Map<number, { committed: number; low: number; high: number }>();
      for (const e of ends) {
        const c = Number(mine?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1);
        parts.set(e.partition, { committed: c, low: Number(e.low), high: Number(e.high) });
      }
      result.set(t, parts);
    }
    return result;
  }

  const transport: Transport = {
    kind: 'kafka',

    async send(records: readonly WireRecord[]) {
      if (records.length === 0) return;
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const r of records) {
        const list = byTopic.get(r.topic) ?? [];
        list.push({ key: r.key, value: r.value, headers: { ...r.headers } });
        byTopic.set(r.topic, list);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    },

    async subscribe(opts: SubscribeOptions): Promise<Subscription> {
      let stopping = false;
      let consumer: Consumer | undefined;
      let restartTimer: NodeJS.Timeout | undefined;

      const start = async (): Promise<void> => {
        const c = kafka.consumer({
          groupId: opts.group,
          sessionTimeout,
          heartbeatInterval: 3_000,
          maxWaitTimeInMs: 250,
          retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 10_000 },
        });
        consumer = c;
        c.on(c.events.CRASH, (e) => {
          const { error, restart } = e.payload as { error: Error; restart: boolean };
          options.log.error({ group: opts.group, err: error.message, restart }, 'kafka consumer crashed');
          opts.onStateChange?.('crashed', error.message);
          if (!restart && !stopping) {
            restartTimer = setTimeout(() => {
              void c
                .disconnect()
                .catch(() => {})
                .then(() => (stopping ? undefined : start()))
                .catch((err: unknown) => options.log.error({ group: opts.group, err }, 'kafka consumer restart failed'));
            }, RESTART_DELAY_MS);
          }
        });
        c.on(c.events.GROUP_JOIN, () => opts.onStateChange?.('running'));
        await c.connect();
        await c.subscribe({ topics: [...opts.topics], fromBeginning: true });
        await c.run({
          partitionsConsumedConcurrently: opts.concurrency ?? 1,
          eachMessage: async ({ topic, partition, message, heartbeat }) => {
            await opts.handler(delivered(topic, partition, message), {
              heartbeat,
              get stopping() {
                return stopping;
              },
            });
          },
        });
      };
      await transport.ensureTopics(opts.topics.map((topic) => ({ topic })));
      await start();

      const subscription: Subscription = {
        async stop() {
          if (stopping) return;
          stopping = true;
          clearTimeout(restartTimer);
          subscriptions.delete(subscription);
          // disconnect() waits for the message in flight and commits what was handled.
          await consumer?.disconnect();
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async drain(group, topics, handler) {
      const behind = await offsetsBehind(group, topics);
      const pending = new Map<string, number>(); // `${topic}|${partition}` → high watermark
      for (const [t, parts] of behind) {
        for (const [p, o] of parts) if (Math.max(o.committed, o.low) < o.high) pending.set(`${t}|${p}`, o.high);
      }
      if (pending.size === 0) return 0;
      const consumer = kafka.consumer({ groupId: group, sessionTimeout, maxWaitTimeInMs: 250 });
      let handled = 0;
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [...behind.keys()], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              autoCommit: false,
              eachMessage: async ({ topic, partition, message }) => {
                const key = `${topic}|${partition}`;
                const high = pending.get(key);
                if (high === undefined || Number(message.offset) >= high) return;
                await handler(delivered(topic, partition, message));
                handled++;
                await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
                if (Number(message.offset) + 1 >= high) pending.delete(key);
                if (pending.size === 0) resolve();
              },
            })
            .catch(reject);
          consumer.on(consumer.events.CRASH, (e) => reject((e.payload as { error: Error }).error));
        });
      } finally {
        await consumer.disconnect();
      }
      return handled;
    },

    async ensureTopics(specs: readonly TopicSpec[]) {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s, i) => !existing.has(s.topic) && specs.findIndex((x) => x.topic === s.topic) === i);
      if (missing.length === 0) return;
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.topic,
            numPartitions: s.partitions ?? options.partitions ?? 3,
            replicationFactor: s.replicationFactor ?? options.replicationFactor ?? 1,
            configEntries: Object.entries(s.configEntries ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (err) {
        // Another process may have created them meanwhile, or the metadata of a topic just created
        // has not reached every broker yet (UNKNOWN_TOPIC_OR_PARTITION): wait and look again.
        for (let attempt = 0; attempt < 20; attempt++) {
          const now = new Set(await admin.listTopics());
          if (missing.every((s) => now.has(s.topic))) return;
          await new Promise((r) => setTimeout(r, 250));
        }
        throw err;
      }
    },

    async lag(group, topics): Promise<LagReport[]> {
      const behind = await offsetsBehind(group, topics);
      return topics.map((t) => {
        let lag = 0;
        for (const o of behind.get(t)?.values() ?? []) lag += o.high - Math.max(o.committed, o.low);
        return { group, topic: t, lag };
      });
    },

    async close() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await producer.disconnect();
      await admin.disconnect();
    },
  };
  return transport;
}
