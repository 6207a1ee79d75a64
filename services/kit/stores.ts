/**
 * Picks the engines of a service from its config: PostgreSQL or PGlite, Redis or in-process.
 */
import type { BaseConfig } from './config.ts';
import type { Db } from './db/db.ts';
import { createPgDb } from './db/pg.ts';
import { createPgliteDb } from './db/pglite.ts';
import type { Cache } from './cache/cache.ts';
import { createRedisCache } from './cache/redis-cache.ts';
import { createMemoryCache } from './cache/memory-cache.ts';
import type { Logger } from './logging.ts';

/** `DATABASE_URL` → PostgreSQL; otherwise PGlite (in memory, or `PGLITE_DATA_DIR`). */
export function openDb(config: Pick<BaseConfig, 'DATABASE_URL' | 'PGLITE_DATA_DIR'>, schema: string, log: Logger): Promise<Db> {
  if (config.DATABASE_URL) {
    return createPgDb({
      connectionString: config.DATABASE_URL,
      schema,
      onError: (err) => log.warn({ err: err.message }, 'postgres pool client error'),
    });
  }
  return createPgliteDb({ schema, ...(config.PGLITE_DATA_DIR ? { dataDir: config.PGLITE_DATA_DIR } : {}) });
}

/** `REDIS_URL` → Redis with the `<service>:` key prefix; otherwise in-process. */
export function openCache(config: Pick<BaseConfig, 'REDIS_URL'>, service: string, log: Logger): Promise<Cache> {
  if (config.REDIS_URL) {
    return createRedisCache({
      url: config.REDIS_URL,
      keyPrefix: `${service}:`,
      onError: (err) => log.warn({ err: err.message }, 'redis connection error'),
    });
  }
  return Promise.resolve(createMemoryCache());
}
