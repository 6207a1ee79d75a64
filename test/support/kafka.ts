/**
 * Kafka helpers the suites share. Right after a topic is created (the first suite of a run on a
 * fresh broker creates the catalog topics) the broker may still answer NOT_LEADER_OR_FOLLOWER or
 * UNKNOWN_TOPIC_OR_PARTITION for it, and kafkajs 2.2.4's `fetchTopicOffsets` then either throws
 * that error or fails inside itself (a TypeError destructuring a missing partition list). The
 * helpers refresh metadata and ask again for a bounded time, then throw the last error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

const RETRY_FOR_MS = 15_000;

/** The current end (high watermark) of each partition of `topic`, as `{partition, offset}`. */
export async function topicEnds(admin: Admin, topic: string): Promise<{ partition: number; offset: string }[]> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }));
    } catch (err) {
      if (Date.now() + delay > deadline) throw err;
      await sleep(delay);
      await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    }
  }
}
