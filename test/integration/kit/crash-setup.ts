/**
 * Shared set-up of the crash tests: a schema with the kit's tables plus `effects` and
 * `violations`, a unique topic prefix, and ways to read the results.
 */
import pg from 'pg';
import { createKafkaTransport, createPgDb, eventMigrations, migrate, type Db, type Transport } from '../../../services/kit/index.ts';
import { databaseUrl, kafkaBrokers } from '../../support/engines.ts';
import { cleanupKafka, memoryLogger, testCatalog, unique, type TestCatalog } from './support.ts';

/** One crash scenario's resources. */
export interface CrashWorld {
  readonly schema: string;
  readonly prefix: string;
  readonly catalog: TestCatalog;
  readonly db: Db;
  readonly transport: Transport;
  readonly env: Record<string, string>;
  effects(): Promise<{ count: number; distinct: number; violations: number }>;
  /** Records on a topic, counting duplicates (sum of partition high watermarks). */
  wireCount(topic: string): Promise<number>;
  dispose(): Promise<void>;
}

/** Creates the schema, tables and a Kafka transport for one scenario. */
export async function crashWorld(name: string): Promise<CrashWorld> {
  const schema = unique(name);
  const prefix = unique('t').replaceAll('_', '-');
  const catalog = testCatalog(prefix);
  const db = await createPgDb({ connectionString: databaseUrl(), schema, max: 4 });
  await migrate(db, eventMigrations);
  await db.query(`
    create table effects (id bigserial primary key, thing_id text not null, seq int not null, event_id text not null);
    create table violations (thing_id text, seq int, previous int);`);
  const transport = await createKafkaTransport({ brokers: kafkaBrokers(), clientId: `kit-${name}`, log: memoryLogger(name).log, partitions: 3 });
  await transport.ensureTopics([{ topic: catalog['thing.happened'].topic, partitions: 3 }]);
  return {
    schema,
    prefix,
    catalog,
    db,
    transport,
    env: { DATABASE_URL: databaseUrl(), KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA: schema, PREFIX: prefix },
    async effects() {
      const r = await db.query<{ count: number; distinct: number; violations: number }>(
        'select count(*)::int as count, count(distinct event_id)::int as distinct, (select count(*)::int from violations) as violations from effects',
      );
      return r.rows[0] as { count: number; distinct: number; violations: number };
    },
    async wireCount(topic) {
      // lag of a group that never committed = every record still on the topic
      const [report] = await transport.lag(unique('count'), [topic]);
      return report?.lag ?? 0;
    },
    async dispose() {
      await transport.close();
      await cleanupKafka(kafkaBrokers());
      await db.close();
      const client = new pg.Client({ connectionString: databaseUrl() });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** Publishes `keys × perKey` events through the outbox, seq 0.. per key, in transactions of `txSize`. */
export async function publishMany(world: CrashWorld, keys: number, perKey: number, txSize = 500): Promise<number> {
  const { Outbox } = await import('../../../services/kit/index.ts');
  const outbox = new Outbox(world.catalog, '/test/crash');
  const all: { thingId: string; seq: number }[] = [];
  for (let seq = 0; seq < perKey; seq++) for (let k = 0; k < keys; k++) all.push({ thingId: `key-${k}`, seq });
  for (let i = 0; i < all.length; i += txSize) {
    await world.db.tx(async (tx) => {
      for (const data of all.slice(i, i + txSize)) await outbox.publish(tx, { type: 'thing.happened', data });
    });
  }
  return all.length;
}
