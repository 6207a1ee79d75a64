/**
 * The store port: one interface over a `pg` pool (production, tests) and PGlite (embedded default).
 * Every service works in its own schema; `search_path` points there, so SQL names tables plainly.
 */

/** Result of a query. Note: `bigint` columns come back as strings from pg and numbers from PGlite; cast to `int` or `text` in SQL when it matters. */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/** Something that runs SQL: the database itself, or a transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

/** A transaction handle, valid only inside the `tx` callback. */
export interface Tx extends Queryable {
  /** Runs `fn` after the transaction committed (not after a rollback); errors in `fn` are ignored. */
  onCommit(fn: () => void): void;
}

/** Runs after-commit callbacks; one failing callback does not stop the others. */
export function runCommitHooks(hooks: readonly (() => void)[]): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // The transaction is committed; a hook (e.g. waking the relay) failing must not undo that.
    }
  }
}

/** The store of one service. */
export interface Db extends Queryable {
  /** The service's schema. */
  readonly schema: string;
  /** Which engine is behind this Db. */
  readonly engine: 'postgres' | 'pglite';
  /**
   * Runs `fn` in one transaction: commit when it resolves, roll back when it throws.
   * Nested calls are not supported: pass the `tx` down instead.
   */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Cheap round trip for readiness. */
  ping(): Promise<void>;
  /** Closes connections; pending work finishes first. */
  close(): Promise<void>;
}

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates a schema name (it is interpolated into SQL, so only plain identifiers pass). */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_PATTERN.test(schema)) throw new Error(`invalid schema name "${schema}": expected ${SCHEMA_PATTERN.source}`);
  return schema;
}

/** Turns a service name (`order-history`) into a schema name (`order_history`). */
export function schemaFor(service: string): string {
  return checkSchemaName(service.replaceAll('-', '_'));
}
