/**
 * kafkajs pitfall: it heartbeats only between messages, so a handler slower than the session
 * timeout costs the group membership and the record is delivered again. The kit heartbeats while
 * a handler runs: a 9 s handler under a 6 s session timeout is delivered once.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { Registry } from 'prom-client';
import { EventBus, createKafkaTransport, createPgDb, eventMigrations, migrate, type Db, type Transport } from '../../../services/kit/index.ts';
import { databaseUrl, kafkaBrokers } from '../../support/engines.ts';
import { cleanupKafka, memoryLogger, testCatalog, unique, waitFor } from './support.ts';

describe('slow handler keeps its Kafka group membership', function () {
  this.timeout(60_000);
  let db: Db;
  let transport: Transport;
  let schema: string;

  before(async () => {
    schema = unique('slow');
    db = await createPgDb({ connectionString: databaseUrl(), schema, max: 3 });
    await migrate(db, eventMigrations);
    transport = await createKafkaTransport({ brokers: kafkaBrokers(), clientId: 'kit-slow', log: memoryLogger('slow').log, sessionTimeoutMs: 6_000 });
  });
  after(async () => {
    await transport.close();
    await cleanupKafka(kafkaBrokers());
    await db.close();
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  it('delivers a 9 s handler once under a 6 s session timeout', async () => {
    const catalog = testCatalog(unique('t').replaceAll('_', '-'));
    const registry = new Registry();
    const bus = new EventBus({ catalog, service: 'slow', db, transport, log: memoryLogger('slow').log, registry, relay: { pollMs: 20 } });
    const handled: number[] = [];
    await bus.subscribe(unique('slow'), {
      'thing.happened': async (event) => {
        if (event.data.seq === 0) await new Promise((r) => setTimeout(r, 9_000));
        handled.push(event.data.seq);
      },
    });
    await bus.start();
    try {
      await db.tx(async (tx) => {
        await bus.publish(tx, { type: 'thing.happened', data: { thingId: 'slow', seq: 0 } });
        await bus.publish(tx, { type: 'thing.happened', data: { thingId: 'slow', seq: 1 } });
      });
      await waitFor('both events', () => handled.length === 2, 30_000);
      // A rebalance would redeliver from the last commit; give it the time to show.
      await new Promise((r) => setTimeout(r, 2_000));
      const counts = await registry.getSingleMetric('events_handled_total')?.get();
      const byOutcome = Object.fromEntries((counts?.values ?? []).map((v) => [v.labels.outcome, v.value]));
      assert.deepEqual(handled, [0, 1]);
      assert.deepEqual(byOutcome, { handled: 2 }, 'no redelivery (duplicate) after the slow handler');
    } finally {
      await bus.stop();
    }
  });
});
