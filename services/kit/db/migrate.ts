/**
 * SQL migrations from a folder: files `NNN-name.sql` applied in name order, each once, each in its
 * own transaction, recorded in `<schema>.schema_migrations`. An advisory lock keeps two replicas
 * starting at once from applying the same file twice.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

/** One migration. */
export interface Migration {
  /** Unique, ordered name, e.g. `001-orders.sql` or `kit/001-outbox.sql`. */
  readonly name: string;
  readonly sql: string;
}

/** Reads the `.sql` files of a folder, sorted by name. */
export async function readMigrations(dir: string | URL): Promise<Migration[]> {
  const path = dir instanceof URL ? fileURLToPath(dir) : dir;
  const files = (await readdir(path)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(files.map(async (f) => ({ name: f, sql: await readFile(`${path}/${f}`, 'utf8') })));
}

/** Applies the migrations not applied yet; returns the names it applied. */
export async function migrate(db: Db, migrations: readonly Migration[]): Promise<string[]> {
  await db.query(`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.tx(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`${db.schema}.schema_migrations`]);
      const seen = await tx.query('select 1 from schema_migrations where name = $1', [m.name]);
      if (seen.rowCount > 0) return false;
      await tx.query(m.sql);
      await tx.query('insert into schema_migrations (name) values ($1)', [m.name]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}
