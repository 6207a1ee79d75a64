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
export { fastRouteListener, headersOf, type FastRoute, type FastReply } from './http/fast-path.ts';
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
export { EventBus, type EventBusOptions, type SubscriptionOptions } from './events/bus.ts';
export {
  createEvent,
  toWire,
  fromWire,
  topicOf,
  InvalidEventError,
  type Catalog,
  type CloudEvent,
  type DataOf,
  type NewEvent,
  type WireRecord,
} from './events/envelope.ts';
export { Outbox, eventMigrations, MAX_EVENT_BYTES } from './events/outbox.ts';
export { OutboxRelay, type RelayOptions } from './events/relay.ts';
export {
  EventConsumer,
  UnprocessableEventError,
  type EventHandler,
  type Handlers,
  type HandlerContext,
  type RetryPolicy,
  type ConsumerOptions,
} from './events/consumer.ts';
export { H as EVENT_HEADERS } from './events/headers.ts';
export { replayDeadLetters, replayGroup } from './events/replay.ts';
export { createMemoryTransport, type MemoryTransportOptions } from './events/memory-transport.ts';
export { createKafkaTransport, type KafkaTransportOptions } from './events/kafka/kafka-transport.ts';
export { ensureTopics, topicsFor, type EnsureTopicsOptions, type GroupTopics } from './events/kafka/ensure-topics.ts';
export { openTransport } from './events/open-transport.ts';
export type { Transport, DeliveredRecord, DeliveryControl, Subscription, SubscribeOptions, TopicSpec, LagReport } from './events/transport.ts';
