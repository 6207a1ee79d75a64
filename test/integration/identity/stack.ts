/**
 * Starts identity, catalog and cart in this process on the real PostgreSQL and Redis, each with
 * unique names (schema and Redis key prefix), sharing one in-process event transport; and cleans
 * everything up afterwards. Catalog and cart verify tokens through identity's JWKS URL, as they
 * do when deployed.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createLogger, createMemoryTransport, parseConfig, type Logger, type Transport } from '../../../services/kit/index.ts';
import { create as createIdentity, type IdentityService } from '../../../services/identity/service.ts';
import { identityConfigSchema } from '../../../services/identity/config.ts';
import { create as createCatalog, seedDemoCatalog, type CatalogService } from '../../../services/catalog/service.ts';
import { catalogConfigSchema } from '../../../services/catalog/config.ts';
import { create as createCart, type CartService } from '../../../services/cart/service.ts';
import { cartConfigSchema } from '../../../services/cart/config.ts';
import { databaseUrl, redisUrl } from '../../support/engines.ts';

let n = 0;
/** A name unique across processes and runs, valid as a service name, schema and key prefix. */
export function uniqueName(prefix: string): string {
  n += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${n}`;
}

/** A logger that keeps its lines in memory. */
export function memoryLogger(name: string): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { log: createLogger({ name, destination: sink, level: 'debug' }), lines };
}

/** A private key for identity, as the IDENTITY_SIGNING_KEY variable would carry it. */
export function rsaSigningKey(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** What {@link startStack} starts. */
export interface Stack {
  readonly identity: IdentityService;
  readonly catalog?: CatalogService;
  readonly cart?: CartService;
  readonly urls: { identity: string; catalog: string; cart: string };
  readonly names: { identity: string; catalog: string; cart: string };
  readonly transport: Transport;
  readonly identityLog: string[];
  /** Redis client for assertions (no prefix). */
  readonly redis: Redis;
  /** PostgreSQL client for assertions. */
  readonly pg: pg.Client;
  stop(): Promise<void>;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  readonly catalog?: boolean;
  readonly cart?: boolean;
  readonly seed?: boolean;
  readonly identityEnv?: Record<string, string>;
  readonly catalogEnv?: Record<string, string>;
  readonly cartEnv?: Record<string, string>;
  /** Redis for the services (e.g. a private one a test stops); @default the shared test Redis */
  readonly redisUrl?: string;
  /** Catalog and cart log nothing (a test that breaks an engine on purpose). */
  readonly quiet?: boolean;
}

const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };

/** Starts identity (and catalog, cart) on the real engines. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const env = { DATABASE_URL: databaseUrl(), REDIS_URL: options.redisUrl ?? redisUrl(), LOG_LEVEL: options.quiet ? 'silent' : 'warn', OUTBOX_POLL_MS: '50' };
  const names = { identity: uniqueName('identity'), catalog: uniqueName('catalog'), cart: uniqueName('cart') };
  const transport = createMemoryTransport();
  const redis = new Redis(redisUrl(), { lazyConnect: true });
  await redis.connect();
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  const started: { stop(): Promise<void> }[] = [];

  const { log: identityLogger, lines: identityLog } = memoryLogger(names.identity);
  const identity = await createIdentity({
    name: names.identity,
    transport,
    log: identityLogger,
    config: parseConfig(identityConfigSchema, { ...env, ...CHEAP_ARGON2, LOG_LEVEL: 'debug', ...options.identityEnv }),
  });
  const identityUrl = `http://127.0.0.1:${(await identity.start({ port: 0, handleSignals: false })).port}`;
  started.push(identity);
  const jwks = { JWKS_URL: `${identityUrl}/.well-known/jwks.json` };

  let catalog: CatalogService | undefined;
  let catalogUrl = '';
  if (options.catalog || options.cart) {
    catalog = await createCatalog({ name: names.catalog, transport, config: parseConfig(catalogConfigSchema, { ...env, ...jwks, ...options.catalogEnv }) });
    if (options.seed ?? true) await seedDemoCatalog(catalog);
    catalogUrl = `http://127.0.0.1:${(await catalog.start({ port: 0, handleSignals: false })).port}`;
    started.push(catalog);
  }
  let cart: CartService | undefined;
  let cartUrl = '';
  if (options.cart) {
    cart = await createCart({
      name: names.cart,
      transport,
      config: parseConfig(cartConfigSchema, { ...env, ...jwks, CATALOG_URL: catalogUrl, ...options.cartEnv }),
    });
    cartUrl = `http://127.0.0.1:${(await cart.start({ port: 0, handleSignals: false })).port}`;
    started.push(cart);
  }

  return {
    identity,
    ...(catalog ? { catalog } : {}),
    ...(cart ? { cart } : {}),
    urls: { identity: identityUrl, catalog: catalogUrl, cart: cartUrl },
    names,
    transport,
    identityLog,
    redis,
    pg: client,
    async stop() {
      for (const s of started.reverse()) await s.stop();
      await transport.close();
      for (const name of Object.values(names)) {
        await client.query(`drop schema if exists ${name} cascade`);
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}:*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      }
      await client.end();
      await redis.quit();
    },
  };
}

/** Sends a JSON request; returns status, headers and the parsed body (or text). */
export async function http(
  method: string,
  url: string,
  options: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, headers: res.headers, body };
}

/** Registers and logs in a user; returns the tokens and id. */
export async function signUp(
  identityUrl: string,
  email = `${uniqueName('u')}@example.com`,
  password = 'correct horse battery',
): Promise<{ id: string; email: string; password: string; accessToken: string; refreshToken: string }> {
  const reg = await http('POST', `${identityUrl}/api/identity/register`, { body: { email, password, name: 'Test User' } });
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}: ${JSON.stringify(reg.body)}`);
  const login = await http('POST', `${identityUrl}/api/identity/login`, { body: { email, password } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  return {
    id: String(reg.body.id),
    email,
    password,
    accessToken: String(login.body.accessToken),
    refreshToken: String(login.body.refreshToken),
  };
}
