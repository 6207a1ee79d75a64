/**
 * Kafka helpers the suites share. The catalog topics are shared by every suite on the same broker,
 * and one suite's `createTopics` can race another's first metadata request: right after a topic is
 * created the broker may still answer NOT_LEADER_OR_FOLLOWER or UNKNOWN_TOPIC_OR_PARTITION for it.
 * Those answers are retriable; the helpers refresh metadata and ask again for a bounded time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

const RETRY_FOR_MS = 15_000;

function retriable(err: unknown): boolean {
  const e = err as { retriable?: boolean; name?: string };
  return e.retriable === true || e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSTopicMetadataNotLoaded';
}

/** The current end (high watermark) of each partition of `topic`, as `{partition, offset}`. */
export async function topicEnds(admin: Admin, topic: string): Promise<{ partition: number; offset: string }[]> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }));
    } catch (err) {
      if (!retriable(err) || Date.now() + delay > deadline) throw err;
      await sleep(delay);
      await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    }
  }
}
