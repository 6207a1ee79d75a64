/**
 * The store on PostgreSQL through a `pg` pool.
 */
import pg from 'pg';
import type { Db, Queryable, QueryResult, Tx } from './db.ts';
import { checkSchemaName, runCommitHooks } from './db.ts';

/** Options of {@link createPgDb}. */
export interface PgDbOptions {
  readonly connectionString: string;
  readonly schema: string;
  /** @default 10 */
  readonly max?: number;
  /** Called for pool errors (an idle client lost its connection); the pool replaces the client. */
  readonly onError?: (err: Error) => void;
  /** Name shown in pg_stat_activity. */
  readonly applicationName?: string;
}

/** Creates a Db on a pg pool whose connections use `schema` first in `search_path`. */
export async function createPgDb(options: PgDbOptions): Promise<Db> {
  const schema = checkSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? schema,
    // Sent in the startup packet, so every connection has it before its first query.
    options: `-c search_path=${schema},public`,
  });
  // An idle client that loses its connection emits 'error' on the pool; unhandled, it kills the process.
  pool.on('error', (err) => options.onError?.(err));
  await pool.query(`create schema if not exists ${schema}`);

  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const r = await client.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
  });
  const direct = wrap(pool);

  return {
    schema,
    engine: 'postgres',
    query: direct.query,
    async tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      const hooks: (() => void)[] = [];
      // pg-pool removes its own error listener while a client is checked out: a connection lost
      // between two queries of a slow transaction would otherwise be an unhandled 'error' event.
      const onClientError = (err: Error) => {
        broken = err;
        options.onError?.(err);
      };
      client.on('error', onClientError);
      try {
        await client.query('begin');
        const result = await fn({ ...wrap(client), onCommit: (hook) => hooks.push(hook) });
        await client.query('commit');
        runCommitHooks(hooks);
        return result;
      } catch (err) {
        try {
          await client.query('rollback');
        } catch (rollbackErr) {
          // The connection is unusable: destroy it instead of returning it to the pool.
          broken = rollbackErr as Error;
        }
        throw err;
      } finally {
        client.off('error', onClientError);
        client.release(broken);
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await pool.end();
    },
  };
}
