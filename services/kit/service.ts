/**
 * `createService`: the service defaults in one call (eShop's `AddServiceDefaults`). It parses the
 * config, opens the store (and cache when asked), runs migrations, builds the app, and on `start()`
 * listens and handles SIGTERM with a graceful shutdown.
 */
import type { Express } from 'express';
import { baseConfigSchema, parseConfig, type BaseConfig } from './config.ts';
import { createLogger, type Logger } from './logging.ts';
import { createMetrics, type ServiceMetrics } from './metrics.ts';
import { Health } from './health.ts';
import { createApp, finishApp, securityHeaders } from './http/app.ts';
import { fastRouteListener, headersOf, type FastRoute } from './http/fast-path.ts';
import { listen, type HttpServer } from './http/server.ts';
import { Lifecycle } from './lifecycle.ts';
import type { Db } from './db/db.ts';
import { schemaFor } from './db/db.ts';
import { migrate, readMigrations, type Migration } from './db/migrate.ts';
import type { Cache } from './cache/cache.ts';
import { openCache, openDb } from './stores.ts';
import { createAuth, type Auth } from './auth/jwt.ts';
import { catalog } from './events/catalog.ts';
import { EventBus } from './events/bus.ts';
import { eventMigrations } from './events/outbox.ts';
import type { Transport } from './events/transport.ts';
import { openTransport } from './events/open-transport.ts';

/** Options of {@link createService}. */
export interface ServiceOptions {
  /** Service name: log field, metrics label, PostgreSQL schema (dashes become underscores). */
  readonly name: string;
  /** Parsed config; @default parseConfig(baseConfigSchema) of process.env */
  readonly config?: BaseConfig;
  /** Folder of `NNN-name.sql` migrations, e.g. `new URL('./data/migrations', import.meta.url)`. */
  readonly migrations?: URL | string;
  /** Use this store instead of opening one (e.g. a shared PGlite under `npm start`). */
  readonly db?: Db;
  /** `true` opens Redis (`REDIS_URL`) or the in-process cache; or pass a cache. @default false */
  readonly cache?: boolean | Cache;
  /** Verify bearer tokens (JWKS_URL, or a local key set under `npm start`). @default false */
  readonly auth?: boolean | Auth;
  /** Body content types accepted besides JSON. */
  readonly extraBodyTypes?: readonly string[];
  /** Logger to use; @default a pino logger named after the service */
  readonly log?: Logger;
  /** Use this transport (the shared in-process bus under `npm start`); else Kafka when KAFKA_BROKERS, else a private in-process bus. */
  readonly transport?: Transport;
  /** Relay settings; `false` runs no outbox relay in this process. */
  readonly relay?: { readonly batchSize?: number; readonly pollMs?: number } | false;
}

/** A service built on the kit. */
export interface Service {
  readonly name: string;
  readonly config: BaseConfig;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly health: Health;
  /** Register routes here before `start()`. */
  readonly app: Express;
  /**
   * GET routes answered before Express on a hit (see http/fast-path.ts); register before `start()`.
   * Each must also exist as an Express route, which answers whatever a fast route declines.
   */
  readonly fastRoutes: FastRoute[];
  readonly db: Db;
  /** Present when `cache` was asked for. */
  readonly cache: Cache | undefined;
  /** Present when `auth` was asked for. */
  readonly auth: Auth | undefined;
  /** Publish with `events.publish(tx, ...)`, consume with `events.subscribe(group, handlers)`. See docs/events.md. */
  readonly events: EventBus<typeof catalog>;
  readonly lifecycle: Lifecycle;
  /** Adds the 404 and error handlers, starts listening (PORT), and wires SIGTERM. */
  start(options?: { port?: number; handleSignals?: boolean }): Promise<HttpServer>;
  /** Graceful shutdown: drain, close the server, then the rest in reverse start order. */
  stop(): Promise<void>;
}

/** Builds a service with the kit's defaults. */
export async function createService(options: ServiceOptions): Promise<Service> {
  const config = options.config ?? parseConfig(baseConfigSchema);
  const name = options.name;
  const log = options.log ?? createLogger({ name, level: config.LOG_LEVEL });
  const metrics = createMetrics(name);
  const health = new Health();
  const lifecycle = new Lifecycle(log);

  const db = options.db ?? (await openDb(config, schemaFor(name), log));
  if (!options.db) lifecycle.onClose('db', () => db.close());
  health.addCheck('db', () => db.ping());
  const kitMigrations: Migration[] = [...eventMigrations];
  const own = options.migrations ? await readMigrations(options.migrations) : [];
  const applied = await migrate(db, [...kitMigrations, ...own]);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');

  let cache: Cache | undefined;
  if (options.cache === true) {
    cache = await openCache(config, name, log);
    const opened = cache;
    lifecycle.onClose('cache', () => opened.close());
  } else if (options.cache) {
    cache = options.cache;
  }
  if (cache) {
    const c = cache;
    health.addCheck('cache', () => c.ping());
  }

  let auth: Auth | undefined;
  if (options.auth === true) {
    if (!config.JWKS_URL) throw new Error(`service ${name} needs JWKS_URL to verify tokens`);
    auth = createAuth({ jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  } else if (options.auth) {
    auth = options.auth;
  }

  const transport = options.transport ?? (await openTransport(config, name, log));
  if (!options.transport) lifecycle.onClose('event transport', () => transport.close());
  const events = new EventBus({
    catalog,
    service: name,
    db,
    transport,
    log,
    registry: metrics.registry,
    health,
    relay: options.relay ?? { pollMs: config.OUTBOX_POLL_MS },
  });

  const app = createApp({
    log,
    metrics,
    health,
    bodyLimit: config.BODY_LIMIT,
    ...(options.extraBodyTypes ? { extraBodyTypes: options.extraBodyTypes } : {}),
  });

  let server: HttpServer | undefined;
  const fastRoutes: FastRoute[] = [];
  const service: Service = {
    name,
    config,
    log,
    metrics,
    health,
    app,
    fastRoutes,
    db,
    cache,
    auth,
    events,
    lifecycle,
    async start(startOptions = {}) {
      finishApp(app, log);
      await events.start();
      lifecycle.onClose('events', () => events.stop());
      const listener = fastRouteListener(app, fastRoutes, { metrics, log, securityHeaders: headersOf(securityHeaders) });
      server = await listen(listener, startOptions.port ?? config.PORT, config.HOST, (err) => log.error({ err }, 'http server error'));
      const s = server;
      // Registered last, so it runs first: stop taking requests before closing what they use.
      lifecycle.onClose('http', async () => {
        health.startDraining();
        await s.close(Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2));
      });
      if (startOptions.handleSignals ?? true) lifecycle.handleSignals(config.SHUTDOWN_TIMEOUT_MS);
      log.info({ port: s.port }, 'listening');
      return s;
    },
    stop: () => lifecycle.close(config.SHUTDOWN_TIMEOUT_MS),
  };
  return service;
}
