/**
 * Events/s through the kit's pipeline — outbox insert (PostgreSQL) → relay (idempotent producer,
 * acks=all) → Kafka → consumer with inbox (one transaction per event) — beside a bare kafkajs
 * produce/consume of the same number of records (acks=all, no-op handler) in the same run.
 * Needs KAFKA_BROKERS and DATABASE_URL (or the engines state file of `scripts/engines up`).
 * `npx tsx bench/events.ts` prints the rows; `npm run bench -- events` puts them in the table.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { pathToFileURL } from 'node:url';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { z } from 'zod';
import {
  EventBus,
  Outbox,
  createKafkaTransport,
  createMemoryTransport,
  createPgliteDb,
  createLogger,
  createPgDb,
  eventMigrations,
  migrate,
  type Db,
  type EventDefinition,
  type Transport,
} from '../services/kit/index.ts';
import type { BenchRow } from './types.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const EMBEDDED_EVENTS = Number(process.env.BENCH_EMBEDDED_EVENTS ?? 5_000);
const KEYS = 100;
const PARTITIONS = 3;
const TX_SIZE = 500;

function engines(): { brokers: string[]; databaseUrl: string } {
  let brokers = process.env.KAFKA_BROKERS;
  let databaseUrl = process.env.DATABASE_URL;
  if (!brokers || !databaseUrl) {
    // Fall back to what `bash scripts/engines up` wrote.
    const file = `${process.env.VITRINE_STATE ?? `${homedir()}/.cache/vitrine/state`}/engines.env`;
    const text = readFileSync(file, 'utf8');
    brokers ??= /KAFKA_BROKERS=(\S+)/.exec(text)?.[1];
    databaseUrl ??= /DATABASE_URL=(\S+)/.exec(text)?.[1];
  }
  if (!brokers || !databaseUrl) throw new Error('bench/events needs KAFKA_BROKERS and DATABASE_URL (run `bash scripts/engines up`)');
  return { brokers: brokers.split(','), databaseUrl };
}

const id = `${process.pid}-${Date.now().toString(36)}`;

async function baseline(brokers: string[]): Promise<number> {
  const kafka = new kafkajs.Kafka({ clientId: 'bench-baseline', brokers, logLevel: kafkajs.logLevel.NOTHING });
  const topic = `bench.${id}.bare`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }] });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `bench-bare-${id}`, maxWaitTimeInMs: 100 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachMessage: async () => {
      received++;
      if (received === EVENTS) done();
    },
  });
  const started = performance.now();
  for (let i = 0; i < EVENTS; i += TX_SIZE) {
    const messages = [];
    for (let j = i; j < Math.min(EVENTS, i + TX_SIZE); j++) {
      messages.push({ key: `key-${j % KEYS}`, value: JSON.stringify({ thingId: `key-${j % KEYS}`, seq: Math.floor(j / KEYS) }), headers: { ce_id: `${id}-${j}` } });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  await all;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  return EVENTS / seconds;
}

function benchCatalog(topic: string) {
  const thing = z.object({ thingId: z.string(), seq: z.number().int() });
  return { 'bench.happened': { topic, schema: thing, key: (d: z.infer<typeof thing>) => d.thingId } } satisfies Record<string, EventDefinition>;
}

/** Publishes `count` events through the outbox and waits until the inbox consumer handled them all. */
async function pipeline(db: Db, transport: Transport, count: number): Promise<number> {
  const catalog = benchCatalog(`bench.${id}.${transport.kind}`);
  const log = createLogger({ name: 'bench-events', level: 'warn' });
  await migrate(db, eventMigrations);
  await db.query('create table effects (event_id text primary key, thing_id text, seq int)');
  const bus = new EventBus({ catalog, service: 'bench', db, transport, log, relay: { batchSize: 500, pollMs: 20 } });
  let handled = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  await bus.subscribe(
    `bench-${id}`,
    {
      'bench.happened': async (event, ctx) => {
        await ctx.tx.query('insert into effects values ($1, $2, $3)', [event.id, event.data.thingId, event.data.seq]);
        handled++;
        if (handled === count) done();
      },
    },
    { concurrency: PARTITIONS },
  );
  await bus.start();
  const outbox = new Outbox(catalog, '/bench');
  const started = performance.now();
  for (let i = 0; i < count; i += TX_SIZE) {
    await db.tx(async (tx) => {
      for (let j = i; j < Math.min(count, i + TX_SIZE); j++) {
        await outbox.publish(tx, { type: 'bench.happened', data: { thingId: `key-${j % KEYS}`, seq: Math.floor(j / KEYS) } });
      }
    });
  }
  if (process.env.BENCH_DEBUG) console.error(`published in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  await all;
  const seconds = (performance.now() - started) / 1000;
  await bus.stop();
  return count / seconds;
}

async function kit(brokers: string[], databaseUrl: string): Promise<number> {
  const schema = `bench_${id.replaceAll('-', '_')}`;
  const log = createLogger({ name: 'bench-events', level: 'warn' });
  const db = await createPgDb({ connectionString: databaseUrl, schema, max: 8 });
  const transport = await createKafkaTransport({ brokers, clientId: 'bench-kit', log, partitions: PARTITIONS });
  try {
    return await pipeline(db, transport, EVENTS);
  } finally {
    await transport.close();
    await db.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

/** The same pipeline on the embedded defaults (in-process transport, PGlite). */
async function embedded(): Promise<number> {
  const db = await createPgliteDb({ schema: 'bench' });
  try {
    return await pipeline(db, createMemoryTransport({ partitions: PARTITIONS }), EMBEDDED_EVENTS);
  } finally {
    await db.close();
  }
}

/** Runs both pipelines and returns the table rows. */
export async function run(): Promise<BenchRow[]> {
  const { brokers, databaseUrl } = engines();
  const bare = await baseline(brokers);
  const full = await kit(brokers, databaseUrl);
  const inProcess = await embedded();
  return [
    { name: `bare kafkajs produce/consume (${EVENTS} records, acks=all)`, value: Math.round(bare), unit: 'events/s' },
    {
      name: `outbox → relay → Kafka → consumer with inbox (${EVENTS} events)`,
      value: Math.round(full),
      unit: 'events/s',
      baseline: 'bare kafkajs produce/consume',
      ratio: full / bare,
    },
    // No baseline: a bare in-process send/consume does no I/O, so a ratio to it would say nothing.
    { name: `embedded (npm start): outbox → relay → in-process bus → inbox on PGlite (${EMBEDDED_EVENTS} events)`, value: Math.round(inProcess), unit: 'events/s' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
