/**
 * The in-process transport, the embedded default of `npm start`: partitioned append-only logs,
 * committed offsets per consumer group, one in-order worker per group and partition. A handler
 * that throws gets the same record again after a back-off, like a Kafka consumer that did not
 * commit. One instance is shared by every service of the process. Records every subscribed group
 * has handled are dropped (like retention), so a long `npm start` does not grow without bound; a
 * group that subscribes later starts at the oldest record kept.
 */
import type { WireRecord } from './envelope.ts';
import type { DeliveredRecord, LagReport, SubscribeOptions, Subscription, TopicSpec, Transport } from './transport.ts';

const DEFAULT_PARTITIONS = 3;
const REDELIVERY_BACKOFF_MS = [100, 500, 2_000, 5_000];

interface Partition {
  /** Records from offset `base` on; older ones were trimmed. */
  records: DeliveredRecord[];
  base: number;
  waiters: (() => void)[];
}

/** Next offset of a partition. */
const endOf = (p: Partition) => p.base + p.records.length;
/** Records handled by every group that consumes a topic are dropped in chunks of this size. */
const TRIM_CHUNK = 1_000;

/** FNV-1a: a stable key → partition mapping (Kafka's murmur2 is not needed in process). */
function partitionOf(key: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

/** Options of {@link createMemoryTransport}. */
export interface MemoryTransportOptions {
  /** Partitions of auto-created topics. @default 3 */
  readonly partitions?: number;
  /** Receives handler errors the transport redelivers after (the consumer normally catches all). */
  readonly onError?: (err: unknown, record: DeliveredRecord) => void;
}

/** Creates an in-process transport. */
export function createMemoryTransport(options: MemoryTransportOptions = {}): Transport {
  const topics = new Map<string, Partition[]>();
  const committed = new Map<string, number>();
  const owners = new Map<string, string>(); // `${group}|${topic}` → subscription id
  const listeners = new Set<(topic: string) => void>();
  const subscriptions = new Set<Subscription>();
  let nextSubscription = 0;

  const ensure = (topic: string, partitions = options.partitions ?? DEFAULT_PARTITIONS): Partition[] => {
    let parts = topics.get(topic);
    if (!parts) {
      parts = Array.from({ length: partitions }, () => ({ records: [], base: 0, waiters: [] }));
      topics.set(topic, parts);
      for (const l of listeners) l(topic);
    }
    return parts;
  };
  const offsetKey = (group: string, topic: string, partition: number) => `${group}|${topic}|${partition}`;
  const consumers = new Map<string, Set<string>>(); // topic → groups that ever subscribed to it
  const position = (group: string, topic: string, index: number, p: Partition) => Math.max(committed.get(offsetKey(group, topic, index)) ?? 0, p.base);
  const trim = (topic: string, index: number, p: Partition) => {
    const groups = consumers.get(topic);
    if (!groups || groups.size === 0) return;
    let min = Infinity;
    for (const g of groups) min = Math.min(min, position(g, topic, index, p));
    if (min - p.base >= TRIM_CHUNK) {
      p.records = p.records.slice(min - p.base);
      p.base = min;
    }
  };
  const wake = (p: Partition) => {
    const waiters = p.waiters;
    p.waiters = [];
    for (const w of waiters) w();
  };

  return {
    kind: 'memory',

    async send(records: readonly WireRecord[]) {
      for (const r of records) {
        const parts = ensure(r.topic);
        const partition = partitionOf(r.key, parts.length);
        const p = parts[partition] as Partition;
        p.records.push({ ...r, headers: { ...r.headers }, partition, offset: String(endOf(p)) });
        wake(p);
      }
    },

    async subscribe(opts: SubscribeOptions): Promise<Subscription> {
      const id = `s${nextSubscription++}`;
      for (const t of opts.topics) {
        const owner = owners.get(`${opts.group}|${t}`);
        if (owner) throw new Error(`group ${opts.group} already consumes ${t} in this process`);
      }
      for (const t of opts.topics) {
        owners.set(`${opts.group}|${t}`, id);
        consumers.set(t, (consumers.get(t) ?? new Set()).add(opts.group));
      }
      let stopping = false;
      const loops: Promise<void>[] = [];
      const sleepers = new Set<() => void>();
      const sleep = (ms: number) =>
        new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            sleepers.delete(done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          sleepers.add(done);
        });
      const control = { heartbeat: async () => {}, get stopping() { return stopping; } };

      const run = async (topic: string, index: number, p: Partition) => {
        const key = offsetKey(opts.group, topic, index);
        let failures = 0;
        while (!stopping) {
          const offset = position(opts.group, topic, index, p);
          const record = p.records[offset - p.base];
          if (!record) {
            await new Promise<void>((resolve) => p.waiters.push(resolve));
            continue;
          }
          try {
            await opts.handler(record, control);
            committed.set(key, offset + 1);
            failures = 0;
            trim(topic, index, p);
          } catch (err) {
            options.onError?.(err, record);
            await sleep(REDELIVERY_BACKOFF_MS[Math.min(failures, REDELIVERY_BACKOFF_MS.length - 1)] as number);
            failures++;
          }
        }
      };
      const start = (topic: string) => {
        if (!opts.topics.includes(topic)) return;
        (topics.get(topic) ?? []).forEach((p, i) => loops.push(run(topic, i, p)));
      };
      for (const t of opts.topics) {
        if (topics.has(t)) start(t);
      }
      // Topics created later (first publish) get workers then.
      const listener = (t: string) => start(t);
      listeners.add(listener);
      opts.onStateChange?.('running');

      const subscription: Subscription = {
        async stop() {
          if (stopping) return;
          stopping = true;
          subscriptions.delete(subscription);
          listeners.delete(listener);
          for (const t of opts.topics) {
            for (const p of topics.get(t) ?? []) wake(p);
            owners.delete(`${opts.group}|${t}`);
          }
          for (const s of [...sleepers]) s();
          await Promise.all(loops);
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async drain(group, drainTopics, handler) {
      let handled = 0;
      for (const t of drainTopics) {
        const parts = topics.get(t) ?? [];
        for (const [i, p] of parts.entries()) {
          const key = offsetKey(group, t, i);
          const end = endOf(p);
          for (let offset = position(group, t, i, p); offset < end; offset++) {
            const record = p.records[offset - p.base];
            if (!record) break; // trimmed meanwhile by the groups that consume the topic
            await handler(record);
            committed.set(key, offset + 1);
            handled++;
          }
        }
      }
      return handled;
    },

    async ensureTopics(specs: readonly TopicSpec[]) {
      for (const s of specs) ensure(s.topic, s.partitions);
    },

    async lag(group, lagTopics): Promise<LagReport[]> {
      return lagTopics.map((t) => ({
        group,
        topic: t,
        lag: (topics.get(t) ?? []).reduce((sum, p, i) => sum + endOf(p) - position(group, t, i, p), 0),
      }));
    },

    async close() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      listeners.clear();
    },
  };
}
