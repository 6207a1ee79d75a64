/**
 * The bus contract on the in-process transport with PGlite (the `npm start` combination).
 */
import { PGlite } from '@electric-sql/pglite';
import { createMemoryTransport, createPgliteDb } from '../../../../services/kit/index.ts';
import { busContract } from './bus-contract.ts';

busContract('in-process + PGlite', async () => {
  const pglite = await PGlite.create();
  return {
    transport: createMemoryTransport({ partitions: 3 }),
    openDb: (schema) => createPgliteDb({ schema, instance: pglite }),
    dropSchema: async (schema) => {
      await pglite.exec(`drop schema if exists ${schema} cascade`);
    },
    close: () => pglite.close(),
  };
});
