/**
 * The store on PGlite (PostgreSQL in WebAssembly), the embedded default of `npm start`.
 * PGlite is one connection: transactions are serialized by PGlite itself.
 */
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult, Tx } from './db.ts';
import { checkSchemaName, runCommitHooks } from './db.ts';

// PGlite reports `rowCount` like pg (rows of a SELECT, rows changed otherwise), though its types omit it.
function countOf(result: { affectedRows?: number } | undefined, fallback: number): number {
  return (result as { rowCount?: number } | undefined)?.rowCount ?? result?.affectedRows ?? fallback;
}

/** Options of {@link createPgliteDb}. */
export interface PgliteDbOptions {
  readonly schema: string;
  /** Data directory; in memory when absent. */
  readonly dataDir?: string;
  /** An existing instance to share (several services in one process, each in its schema). */
  readonly instance?: PGlite;
}

/** Creates a Db on PGlite with `schema` first in `search_path`. */
export async function createPgliteDb(options: PgliteDbOptions): Promise<Db> {
  const schema = checkSchemaName(options.schema);
  const owned = !options.instance;
  const db = options.instance ?? (await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {}));
  await db.exec(`create schema if not exists ${schema}`);
  // An owned instance is one session: set the path once. A shared one (several services in one
  // process) must set it in every transaction, and run lone statements in one too.
  if (owned) await db.exec(`set search_path to ${schema},public`);
  const searchPath = `set local search_path to ${schema},public`;

  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      if (params === undefined || params.length === 0) {
        // Without parameters use the simple protocol, which (like pg) accepts several statements.
        const results = await q.exec(sql);
        const last = results[results.length - 1];
        const rows = (last?.rows ?? []) as R[];
        return { rows, rowCount: countOf(last, rows.length) };
      }
      const r = await q.query<R>(sql, params as unknown[]);
      return { rows: r.rows, rowCount: countOf(r, r.rows.length) };
    },
  });

  const tx = async <T>(fn: (t: Tx) => Promise<T>): Promise<T> => {
    const hooks: (() => void)[] = [];
    const result = await db.transaction(async (t) => {
      if (!owned) await t.query(searchPath);
      return fn({ ...wrap(t), onCommit: (hook) => hooks.push(hook) });
    });
    runCommitHooks(hooks);
    return result;
  };
  const direct = wrap(db);

  return {
    schema,
    engine: 'pglite',
    query: owned ? direct.query : <R>(sql: string, params?: readonly unknown[]) => tx((t) => t.query<R>(sql, params)),
    tx,
    async ping() {
      await db.query('select 1');
    },
    async close() {
      if (owned) await db.close();
    },
  };
}
