/**
 * The transport port under the event bus: what Kafka and the in-process bus both provide. The
 * outbox relay and the consumer (inbox, retries, dead letters) are written once on top of it, so
 * both buses have the same semantics by construction; the contract suite checks the rest.
 */
import type { WireRecord } from './envelope.ts';

/** A record as delivered to a consumer. */
export interface DeliveredRecord extends WireRecord {
  readonly partition: number;
  /** Offset within the partition (decimal string, as Kafka's). */
  readonly offset: string;
}

/** Called for each record, one at a time per partition, in partition order. */
export type RecordHandler = (record: DeliveredRecord, control: DeliveryControl) => Promise<void>;

/** Tools a handler gets from the transport. */
export interface DeliveryControl {
  /** Keeps the group membership alive during slow work (kafkajs heartbeats only between messages otherwise). */
  heartbeat(): Promise<void>;
  /** True once the subscription is stopping: long waits should end early. */
  readonly stopping: boolean;
}

/** Options of a subscription. */
export interface SubscribeOptions {
  readonly group: string;
  readonly topics: readonly string[];
  readonly handler: RecordHandler;
  /** Called when the subscription fails for good (kafkajs CRASH without restart) or recovers. */
  readonly onStateChange?: (state: 'running' | 'crashed', reason?: string) => void;
  /** Partitions handled in parallel (each still in order). @default 1 */
  readonly concurrency?: number;
}

/** A running subscription. */
export interface Subscription {
  /** Stops fetching, waits for the handlers in flight, commits, leaves the group. */
  stop(): Promise<void>;
}

/** A topic to create. */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  readonly configEntries?: Readonly<Record<string, string>>;
}

/** Per-group progress on a set of topics: records not handled yet. */
export interface LagReport {
  readonly group: string;
  readonly topic: string;
  readonly lag: number;
}

/** The transport port. */
export interface Transport {
  readonly kind: 'kafka' | 'memory';
  /**
   * Sends records; resolves when every one is acknowledged (Kafka: by all in-sync replicas).
   * Records with the same topic and key keep their order.
   */
  send(records: readonly WireRecord[]): Promise<void>;
  /** Consumes `topics` as consumer group `group`, from the earliest record a new group has not seen. */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Consumes `topics` as `group` from its committed position up to the end as of the call, then
   * stops; returns how many records were handled. Used by dead-letter replay.
   */
  drain(group: string, topics: readonly string[], handler: (record: DeliveredRecord) => Promise<void>): Promise<number>;
  /** Creates missing topics (existing ones are left alone). */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Records of `topics` not yet committed by `group`. */
  lag(group: string, topics: readonly string[]): Promise<LagReport[]>;
  /** Stops subscriptions and the producer. */
  close(): Promise<void>;
}
