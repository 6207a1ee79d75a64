/**
 * Runs the store and cache contracts on the embedded implementations (PGlite, in-process cache).
 * The real engines run the same contracts in real-engines.contract.test.ts; an owned (unshared)
 * PGlite is exercised by service.test.ts.
 */
import { PGlite } from '@electric-sql/pglite';
import { createMemoryCache, createPgliteDb } from '../../../../services/kit/index.ts';
import { storeContract } from './store-contract.ts';
import { cacheContract } from './cache-contract.ts';

// One PGlite shared by the tests, as under `npm start`: each Db works in its own schema.
let shared: PGlite | undefined;
async function instance(): Promise<PGlite> {
  shared ??= await PGlite.create();
  return shared;
}
after(async () => {
  await shared?.close();
});

storeContract('PGlite', async (schema) => createPgliteDb({ schema, instance: await instance() }), async (schema) => {
  await (await instance()).exec(`drop schema if exists ${schema} cascade`);
});

cacheContract('in-process', async () => createMemoryCache());
