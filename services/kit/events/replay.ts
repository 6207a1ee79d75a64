/**
 * Dead-letter replay: moves a group's dead letters back to its retry topic (due now, retry count
 * reset), so only that group handles them again — other groups, which handled the event already,
 * are not disturbed. Progress is the committed offset of group `<group>.dlq-replay`, so each dead
 * letter is replayed once; a dead letter that fails again comes back as a new one.
 *
 * CLI: `npx tsx services/kit/events/replay.ts <group> [topic...]` with KAFKA_BROKERS set
 * (topics default to every catalog topic).
 */
import { pathToFileURL } from 'node:url';
import { catalogTopics, deadLetterTopic, retryTopic } from './catalog.ts';
import { H, withoutKitHeaders } from './headers.ts';
import type { Transport } from './transport.ts';

/** Consumer group that tracks replay progress of `group`. */
export function replayGroup(group: string): string {
  return `${group}.dlq-replay`;
}

/** Moves the dead letters of `group` on `topics` back; returns how many were moved. */
export async function replayDeadLetters(transport: Transport, group: string, topics: readonly string[]): Promise<number> {
  const dlqs = topics.map((t) => deadLetterTopic(t, group));
  return transport.drain(replayGroup(group), dlqs, async (record) => {
    const original = record.headers[H.originalTopic] ?? record.topic.slice(0, -`.${group}.dlq`.length);
    await transport.send([
      {
        topic: retryTopic(original, group),
        key: record.key,
        value: record.value,
        headers: {
          ...withoutKitHeaders(record.headers),
          [H.originalTopic]: original,
          [H.retryCount]: '0',
          [H.notBefore]: '0',
          [H.replayedAt]: new Date().toISOString(),
        },
      },
    ]);
  });
}

async function main(argv: string[]): Promise<void> {
  const [group, ...topics] = argv;
  if (!group) {
    process.stderr.write('usage: npx tsx services/kit/events/replay.ts <group> [topic...]\n');
    process.exit(64);
  }
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    process.stderr.write('KAFKA_BROKERS is not set: replay needs the Kafka brokers (host:port,...)\n');
    process.exit(78);
  }
  const { createKafkaTransport } = await import('./kafka/kafka-transport.ts');
  const { createLogger } = await import('../logging.ts');
  const log = createLogger({ name: 'dlq-replay' });
  const transport = await createKafkaTransport({ brokers: brokers.split(','), clientId: 'vitrine-dlq-replay', log });
  try {
    const moved = await replayDeadLetters(transport, group, topics.length > 0 ? topics : catalogTopics());
    log.info({ group, moved }, 'dead letters replayed');
  } finally {
    await transport.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
