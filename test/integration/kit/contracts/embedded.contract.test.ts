/**
 * Runs the store and cache contracts on the embedded implementations (PGlite, in-process cache).
 * The real engines run the same contracts in real-engines.contract.test.ts.
 */
import assert from 'node:assert/strict';
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

describe('PGlite with its own instance', function () {
  this.timeout(30_000);
  it('sets the search path for the session', async () => {
    const db = await createPgliteDb({ schema: 'own_instance' });
    try {
      await db.query('create table t (id int)');
      await db.tx((tx) => tx.query('insert into t values ($1)', [1]));
      const r = await db.query<{ s: string }>(`select table_schema as s from information_schema.tables where table_name = 't'`);
      assert.deepEqual(r.rows, [{ s: 'own_instance' }]);
    } finally {
      await db.close();
    }
  });
});
cacheContract('in-process', async () => createMemoryCache());
