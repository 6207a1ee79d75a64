/**
 * The store port's contract: what every Db (PostgreSQL, PGlite) must do the same way.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, readMigrations, type Db } from '../../../../services/kit/index.ts';

/** Makes a fresh Db in a unique schema; the contract closes it. */
export type DbFactory = (schema: string) => Promise<Db>;

let counter = 0;
function uniqueSchema(): string {
  counter += 1;
  return `ct_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

/** Registers the store contract for one implementation. */
export function storeContract(label: string, open: DbFactory, dropSchema: (schema: string) => Promise<void>): void {
  describe(`store contract: ${label}`, function () {
    this.timeout(30_000);
    let db: Db;
    let schema: string;

    beforeEach(async () => {
      schema = uniqueSchema();
      db = await open(schema);
    });
    afterEach(async () => {
      await db.close();
      await dropSchema(schema);
    });

    it('works in its own schema', async () => {
      assert.equal(db.schema, schema);
      await db.query('create table t (id int primary key, v text)');
      const r = await db.query<{ s: string }>(`select table_schema as s from information_schema.tables where table_name = 't' and table_schema = $1`, [schema]);
      assert.equal(r.rowCount, 1);
    });

    it('reports rowCount for selects and writes', async () => {
      await db.query('create table t (id int primary key, v text)');
      const ins = await db.query('insert into t values ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
      assert.equal(ins.rowCount, 2);
      const sel = await db.query<{ id: number; v: string }>('select id, v from t order by id');
      assert.equal(sel.rowCount, 2);
      assert.deepEqual(sel.rows, [{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
      const upd = await db.query('update t set v = $1 where id = $2', ['z', 5]);
      assert.equal(upd.rowCount, 0);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await db.query('create table t (id int primary key)');
      const value = await db.tx(async (tx) => {
        await tx.query('insert into t values ($1)', [1]);
        return 'done';
      });
      assert.equal(value, 'done');
      await assert.rejects(
        db.tx(async (tx) => {
          await tx.query('insert into t values ($1)', [2]);
          throw new Error('abort');
        }),
        /abort/,
      );
      await assert.rejects(db.tx((tx) => tx.query('insert into t values ($1)', [1])), /duplicate key|unique/);
      const r = await db.query<{ n: number }>('select count(*)::int as n from t');
      assert.equal(r.rows[0]?.n, 1);
    });

    it('runs after-commit hooks only after a commit', async () => {
      const ran: string[] = [];
      await db.tx(async (tx) => {
        tx.onCommit(() => ran.push('committed'));
        assert.deepEqual(ran, [], 'not before the commit');
      });
      await assert.rejects(
        db.tx(async (tx) => {
          tx.onCommit(() => ran.push('rolled back'));
          throw new Error('abort');
        }),
      );
      await db.tx(async (tx) => {
        tx.onCommit(() => {
          throw new Error('a failing hook');
        });
        tx.onCommit(() => ran.push('second hook'));
      });
      assert.deepEqual(ran, ['committed', 'second hook']);
    });

    it('round-trips jsonb, timestamptz and text[]', async () => {
      const r = await db.query<{ j: unknown; t: Date; a: string[] }>(
        'select $1::jsonb as j, $2::timestamptz as t, $3::text[] as a',
        [JSON.stringify({ a: [1, 'x'] }), '2026-01-02T03:04:05.000Z', ['p', 'q']],
      );
      assert.deepEqual(r.rows[0]?.j, { a: [1, 'x'] });
      assert.equal(r.rows[0]?.t.toISOString(), '2026-01-02T03:04:05.000Z');
      assert.deepEqual(r.rows[0]?.a, ['p', 'q']);
    });

    it('skips rows locked by another transaction (FOR UPDATE SKIP LOCKED parses and runs)', async () => {
      await db.query('create table q (id int primary key)');
      await db.query('insert into q select generate_series(1, 5)');
      const r = await db.tx((tx) => tx.query<{ id: number }>('select id from q order by id limit 2 for update skip locked'));
      assert.deepEqual(r.rows.map((x) => x.id), [1, 2]);
    });

    it('applies SQL migrations from a folder once, in name order, several statements per file', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kit-mig-'));
      try {
        await writeFile(join(dir, '002-more.sql'), 'alter table items add column note text;\ninsert into items (id, note) values (2, \'b\');');
        await writeFile(join(dir, '001-items.sql'), 'create table items (id int primary key);\ninsert into items (id) values (1);');
        await writeFile(join(dir, 'README.md'), 'not a migration');
        const migrations = await readMigrations(dir);
        assert.deepEqual(await migrate(db, migrations), ['001-items.sql', '002-more.sql']);
        assert.deepEqual(await migrate(db, migrations), []);
        const r = await db.query<{ id: number }>('select id from items order by id');
        assert.deepEqual(r.rows.map((x) => x.id), [1, 2]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('rolls back a failing migration completely', async () => {
      await assert.rejects(migrate(db, [{ name: '001-bad.sql', sql: 'create table ok (id int); select * from missing_table;' }]));
      const r = await db.query(`select 1 from information_schema.tables where table_schema = $1 and table_name = 'ok'`, [schema]);
      assert.equal(r.rowCount, 0);
      assert.deepEqual(await migrate(db, [{ name: '001-bad.sql', sql: 'create table ok (id int);' }]), ['001-bad.sql']);
    });

    it('answers ping', async () => {
      await db.ping();
    });
  });
}
