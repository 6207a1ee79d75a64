/**
 * `ensureTopics(admin, catalog, ...)`: creates the catalog's topics and, for each consumer group,
 * its retry and dead-letter topics (Strimzi's topic operator does the same for the operator).
 */
import type { Admin } from 'kafkajs';
import { deadLetterTopic, retryTopic } from '../catalog.ts';
import type { Catalog } from '../envelope.ts';

/** Which topics a consumer group reads (their retry/DLQ topics are derived). */
export interface GroupTopics {
  readonly group: string;
  readonly topics: readonly string[];
}

/** Topic settings. */
export interface EnsureTopicsOptions {
  readonly groups?: readonly GroupTopics[];
  /** @default 3 */
  readonly partitions?: number;
  /** @default 1 */
  readonly replicationFactor?: number;
  /** Retention of dead-letter topics. @default 14 days */
  readonly deadLetterRetentionMs?: number;
}

/** Every topic name for a catalog and a set of groups. */
export function topicsFor(catalog: Catalog, groups: readonly GroupTopics[] = []): { main: string[]; retry: string[]; deadLetter: string[] } {
  const main = [...new Set(Object.values(catalog).map((d) => d.topic))].sort();
  const retry = groups.flatMap((g) => g.topics.map((t) => retryTopic(t, g.group)));
  const deadLetter = groups.flatMap((g) => g.topics.map((t) => deadLetterTopic(t, g.group)));
  return { main, retry, deadLetter };
}

/** Creates the missing topics; returns the names it created. */
export async function ensureTopics(admin: Admin, catalog: Catalog, options: EnsureTopicsOptions = {}): Promise<string[]> {
  const { main, retry, deadLetter } = topicsFor(catalog, options.groups);
  const existing = new Set(await admin.listTopics());
  const partitions = options.partitions ?? 3;
  const replicationFactor = options.replicationFactor ?? 1;
  const dlqRetention = String(options.deadLetterRetentionMs ?? 14 * 24 * 3_600_000);
  const wanted = [
    ...main.map((topic) => ({ topic, configEntries: [] as { name: string; value: string }[] })),
    ...retry.map((topic) => ({ topic, configEntries: [] as { name: string; value: string }[] })),
    ...deadLetter.map((topic) => ({ topic, configEntries: [{ name: 'retention.ms', value: dlqRetention }] })),
  ].filter((t, i, all) => !existing.has(t.topic) && all.findIndex((x) => x.topic === t.topic) === i);
  if (wanted.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: wanted.map((t) => ({ ...t, numPartitions: partitions, replicationFactor })),
  });
  return wanted.map((t) => t.topic);
}
