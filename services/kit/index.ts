/**
 * The public surface of the service kit. Services import from here only.
 * See docs/kit.md for how a service uses it.
 */
export { createService, type Service, type ServiceOptions } from './service.ts';
export { baseConfigSchema, parseConfig, loadConfig, ConfigError, type BaseConfig } from './config.ts';
export { AppError, defineErrors, kitErrors, isAppError, type ErrorSpec, type ErrorFactories } from './errors.ts';
export { createLogger, REDACTED_PATHS, type Logger, type LoggerOptions } from './logging.ts';
export { currentContext, runWithContext, sanitizeCorrelationId, type RequestContext } from './context.ts';
export { createMetrics, Registry, Counter, Gauge, Histogram, type ServiceMetrics } from './metrics.ts';
export { Health, type ReadinessCheck, type CheckResult } from './health.ts';
export { Lifecycle } from './lifecycle.ts';
export { createApp, finishApp, type AppOptions } from './http/app.ts';
export { listen, type HttpServer } from './http/server.ts';
export { validated, parseOrThrow, validationError, type RequestSchemas, type ValidatedInput } from './http/validate.ts';
export { sendProblem, problemHandler, PROBLEM_CONTENT_TYPE } from './http/problem.ts';
export { CORRELATION_HEADER } from './http/middleware.ts';
export { schemaFor, checkSchemaName, type Db, type Tx, type Queryable, type QueryResult } from './db/db.ts';
export { createPgDb, type PgDbOptions } from './db/pg.ts';
export { createPgliteDb, type PgliteDbOptions } from './db/pglite.ts';
export { migrate, readMigrations, type Migration } from './db/migrate.ts';
export { openDb, openCache } from './stores.ts';
export { getJson, setJson, type Cache, type SetOptions } from './cache/cache.ts';
export { createMemoryCache } from './cache/memory-cache.ts';
export { createRedisCache, type RedisCacheOptions } from './cache/redis-cache.ts';
export { createAuth, type Auth, type AuthOptions, type Principal } from './auth/jwt.ts';
export {
  catalog,
  eventTypes,
  isEventType,
  catalogTopics,
  retryTopic,
  deadLetterTopic,
  moneySchema,
  addressSchema,
  type EventType,
  type EventData,
  type EventDefinition,
} from './events/catalog.ts';
