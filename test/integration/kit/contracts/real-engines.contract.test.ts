/**
 * The store, cache and bus contracts on the real engines: PostgreSQL, Redis, Kafka (+PostgreSQL).
 */
import pg from 'pg';
import { createKafkaTransport, createPgDb, createRedisCache } from '../../../../services/kit/index.ts';
import { databaseUrl, kafkaBrokers, redisUrl } from '../../../support/engines.ts';
import { storeContract } from './store-contract.ts';
import { cacheContract } from './cache-contract.ts';
import { busContract } from './bus-contract.ts';
import { cleanupKafka, memoryLogger } from '../support.ts';

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

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
