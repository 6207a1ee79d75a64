/**
 * The store, cache and bus contracts on the real engines: PostgreSQL, Redis, Kafka (+PostgreSQL).
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { createKafkaTransport, createPgDb, createRedisCache } from '../../../../services/kit/index.ts';
import { databaseUrl, kafkaBrokers, redisUrl } from '../../../support/engines.ts';
import { storeContract } from './store-contract.ts';
import { cacheContract } from './cache-contract.ts';
import { busContract } from './bus-contract.ts';
import { cleanupKafka, memoryLogger, unique } from '../support.ts';

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL store: a connection lost inside a transaction', function () {
  this.timeout(30_000);
  it('fails that transaction, reports the error, and the pool goes on', async () => {
    const schema = unique('lost');
    const errors: Error[] = [];
    const db = await createPgDb({ connectionString: databaseUrl(), schema, max: 2, onError: (err) => errors.push(err) });
    const admin = new pg.Client({ connectionString: databaseUrl() });
    await admin.connect();
    try {
      await assert.rejects(
        db.tx(async (tx) => {
          const pid = (await tx.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
          await admin.query('select pg_terminate_backend($1)', [pid]);
          // The connection dies while no query runs: pg reports it as an 'error' event.
          await new Promise((r) => setTimeout(r, 300));
          await tx.query('select 1');
        }),
      );
      assert.ok(errors.length >= 1, 'the lost connection was reported');
      const r = await db.query<{ one: number }>('select 1 as one');
      assert.equal(r.rows[0]?.one, 1);
    } finally {
      await db.close();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  });
});

storeContract('PostgreSQL', (schema) => createPgDb({ connectionString: databaseUrl(), schema, max: 3 }), dropSchema);
cacheContract('Redis', (prefix) => createRedisCache({ url: redisUrl(), keyPrefix: prefix }));
busContract('Kafka + PostgreSQL', async () => {
  const transport = await createKafkaTransport({ brokers: kafkaBrokers(), clientId: 'kit-bus-contract', log: memoryLogger('kafka').log, partitions: 3 });
  return {
    transport,
    openDb: (schema) => createPgDb({ connectionString: databaseUrl(), schema, max: 4 }),
    dropSchema,
    close: async () => {
      await transport.close();
      await cleanupKafka(kafkaBrokers());
    },
  };
});
