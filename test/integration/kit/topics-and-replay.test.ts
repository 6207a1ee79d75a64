/**
 * ensureTopics against the real broker, and the replay command (`npx tsx
 * services/kit/events/replay.ts <group> <topic>`) moving a dead letter back to the retry topic.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { EVENT_HEADERS, createKafkaTransport, deadLetterTopic, ensureTopics, retryTopic, type DeliveredRecord, type Transport } from '../../../services/kit/index.ts';
import { kafkaBrokers } from '../../support/engines.ts';
import { cleanupKafka, memoryLogger, testCatalog, unique } from './support.ts';

describe('Kafka topics and dead-letter replay (real Kafka)', function () {
  this.timeout(60_000);
  let transport: Transport;
  const kafka = () => new kafkajs.Kafka({ clientId: 'kit-topics-test', brokers: kafkaBrokers(), logLevel: kafkajs.logLevel.NOTHING });

  before(async () => {
    transport = await createKafkaTransport({ brokers: kafkaBrokers(), clientId: 'kit-replay-test', log: memoryLogger('replay').log });
  });
  after(async () => {
    await transport.close();
    await cleanupKafka(kafkaBrokers());
  });

  it('ensureTopics creates catalog, retry and dead-letter topics once, dead letters with long retention', async () => {
    const catalog = testCatalog(unique('t').replaceAll('_', '-'));
    const things = catalog['thing.happened'].topic;
    const admin = kafka().admin();
    await admin.connect();
    try {
      const first = await ensureTopics(admin, catalog, { groups: [{ group: 'g', topics: [things] }], partitions: 2, deadLetterRetentionMs: 3_600_000 });
      assert.deepEqual([...first].sort(), [catalog['thing.noted'].topic, things, deadLetterTopic(things, 'g'), retryTopic(things, 'g')].sort());
      assert.deepEqual(await ensureTopics(admin, catalog, { groups: [{ group: 'g', topics: [things] }] }), []);
      const meta = await admin.fetchTopicMetadata({ topics: [things] });
      assert.equal(meta.topics[0]?.partitions.length, 2);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: deadLetterTopic(things, 'g'), configNames: ['retention.ms'] }],
      });
      assert.equal(configs.resources[0]?.configEntries[0]?.configValue, '3600000');
    } finally {
      await admin.disconnect();
    }
  });

  it('the replay command moves a dead letter to the retry topic, once', async () => {
    const topic = `${unique('t').replaceAll('_', '-')}.things`;
    const group = unique('g');
    const dlq = deadLetterTopic(topic, group);
    await transport.ensureTopics([{ topic: dlq }, { topic: retryTopic(topic, group) }]);
    await transport.send([
      {
        topic: dlq,
        key: 'k',
        value: '{"thingId":"k","seq":1}',
        headers: { ce_id: 'dead-1', ce_type: 'thing.happened', [EVENT_HEADERS.error]: 'boom', [EVENT_HEADERS.originalTopic]: topic, [EVENT_HEADERS.retryCount]: '2' },
      },
    ]);
    const cli = fileURLToPath(new URL('../../../services/kit/events/replay.ts', import.meta.url));
    const runCli = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', cli, group, topic], { env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(',') } });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const first = await runCli();
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /"moved":1/);
    const second = await runCli();
    assert.match(second.out, /"moved":0/);

    const replayed: DeliveredRecord[] = [];
    await transport.drain(unique('peek'), [retryTopic(topic, group)], async (r) => {
      replayed.push(r);
    });
    assert.equal(replayed.length, 1);
    assert.equal(replayed[0]?.headers.ce_id, 'dead-1');
    assert.equal(replayed[0]?.headers[EVENT_HEADERS.retryCount], '0');
    assert.equal(replayed[0]?.headers[EVENT_HEADERS.error], undefined);
    assert.ok(replayed[0]?.headers[EVENT_HEADERS.replayedAt]);
  });

  it('the replay command explains its usage and a missing broker list', async () => {
    const cli = fileURLToPath(new URL('../../../services/kit/events/replay.ts', import.meta.url));
    const run = (args: string[], env: Record<string, string | undefined>) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { env: { ...process.env, ...env } as NodeJS.ProcessEnv });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => resolve({ code, err }));
      });
    const usage = await run([], {});
    assert.equal(usage.code, 64);
    assert.match(usage.err, /usage: npx tsx services\/kit\/events\/replay.ts <group>/);
    const noBrokers = await run(['g'], { KAFKA_BROKERS: '' });
    assert.equal(noBrokers.code, 78);
    assert.match(noBrokers.err, /KAFKA_BROKERS is not set/);
  });
});
