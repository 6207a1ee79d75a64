/**
 * The checkout stack on the real engines, each service a separate process talking through Kafka:
 * orders, inventory, payments (`node_modules/.bin/tsx services/<x>/main.ts`) and the real cart
 * (on its in-process bus: its events do not matter here), plus a JWKS server and a stub catalog
 * for cart's price snapshots. Everything is unique to the run: a fresh database, consumer groups
 * pinned to the end of the shared topics before they start (so records of earlier runs are not
 * replayed), and their retry/dead-letter topics deleted afterwards. Also used by bench/orders.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import net from 'node:net';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { databaseUrl, kafkaBrokers, redisUrl } from '../../support/engines.ts';
import { topicEnds } from '../../support/kafka.ts';
import { createTestIssuer, type TestIssuer } from '../../unit/orders/tokens.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

/** Saga settings of a run. */
export interface CheckoutSettings {
  readonly reservationTimeoutMs?: number;
  readonly paymentTimeoutMs?: number;
  readonly providerTimeoutMs?: number;
}

/** A running stack. */
export interface CheckoutStack {
  readonly runId: string;
  readonly urls: { readonly orders: string; readonly inventory: string; readonly payments: string; readonly cart: string };
  readonly issuer: TestIssuer;
  /** Pool on the run's database (schemas `orders`, `inventory`, `payments`). */
  readonly db: pg.Pool;
  /** Products the stub catalog knows. */
  readonly products: Map<string, { name: string; price: { amount: number; currency: string } }>;
  /** Admin bearer token. */
  readonly adminToken: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  s.close();
  return port;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
}

function spawnService(name: string, env: Record<string, string>): Proc {
  const child = spawn(TSX, [`services/${name}/main.ts`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, child, output: () => tail };
}

async function waitReady(proc: Proc, url: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode}): ${proc.output()}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${proc.name} not ready after ${timeoutMs} ms: ${proc.output()}`);
    await sleep(200);
  }
}

async function stopProc(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = once(proc.child, 'exit');
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Consumer groups of the run and the topics each reads. */
function groupsOf(runId: string): { groupId: string; topics: string[] }[] {
  return [
    { groupId: `orders-${runId}`, topics: ['vitrine.inventory', 'vitrine.payments', 'vitrine.shipping'] },
    { groupId: `inventory-${runId}`, topics: ['vitrine.orders'] },
    { groupId: `payments-${runId}`, topics: ['vitrine.inventory', 'vitrine.orders'] },
  ];
}

/**
 * Commits each new group's offsets at the current end of its topics: the kit starts new groups at
 * the earliest record, which on shared topics would replay every earlier run's events.
 */
async function pinGroupsToEnd(kafka: kafkajs.Kafka, groups: { groupId: string; topics: string[] }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = [...new Set(groups.flatMap((g) => g.topics))];
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })) }).catch(() => false);
    }
    const ends = new Map<string, { partition: number; offset: string }[]>();
    for (const t of topics) ends.set(t, await topicEnds(admin, t));
    await Promise.all(groups.map((g) => commitAtEnd(kafka, g.groupId, g.topics, ends)));
  } finally {
    await admin.disconnect();
  }
}

/** Joins `groupId` once, commits the given end offsets, and leaves. */
async function commitAtEnd(kafka: kafkajs.Kafka, groupId: string, topics: string[], ends: Map<string, { partition: number; offset: string }[]>): Promise<void> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: false });
    // Nothing is handled: this member only exists to own the commit.
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    await joined;
    await consumer.commitOffsets(topics.flatMap((topic) => (ends.get(topic) ?? []).map((p) => ({ topic, ...p }))));
  } finally {
    await consumer.disconnect();
  }
}

async function cleanupKafka(kafka: kafkajs.Kafka, runId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.includes(`-${runId}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
    const groups = groupsOf(runId).flatMap((g) => [g.groupId, `${g.groupId}.retry`]);
    await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Starts the stack. */
export async function startCheckoutStack(settings: CheckoutSettings = {}): Promise<CheckoutStack> {
  const runId = `ck${process.pid}${Date.now().toString(36)}`;
  const brokers = kafkaBrokers();
  const kafka = new kafkajs.Kafka({ clientId: `checkout-test-${runId}`, brokers, logLevel: kafkajs.logLevel.NOTHING });

  // A fresh database: each service makes its schema in it.
  const dbName = `vitrine_${runId}`;
  const adminDb = new pg.Client({ connectionString: databaseUrl() });
  await adminDb.connect();
  await adminDb.query(`create database ${dbName}`);
  await adminDb.end();
  const url = new URL(databaseUrl());
  url.pathname = `/${dbName}`;
  const runDbUrl = url.toString();
  const db = new pg.Pool({ connectionString: runDbUrl, max: 4 });

  const issuer = await createTestIssuer();
  const adminToken = await issuer.token(`admin-${runId}`, ['admin']);
  const jwksServer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(issuer.jwks));
  });
  const products = new Map<string, { name: string; price: { amount: number; currency: string } }>();
  const catalogServer = createServer((req, res) => {
    const sku = decodeURIComponent(/^\/api\/catalog\/products\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '');
    const p = products.get(sku);
    res.statusCode = p ? 200 : 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(p ? { sku, ...p, active: true } : { status: 404 }));
  });
  const jwksUrl = `${await listen(jwksServer)}/.well-known/jwks.json`;
  const catalogUrl = await listen(catalogServer);

  await pinGroupsToEnd(kafka, groupsOf(runId));

  const ports = { orders: await freePort(), inventory: await freePort(), payments: await freePort(), cart: await freePort() };
  const base = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: runDbUrl,
    JWKS_URL: jwksUrl,
    OUTBOX_POLL_MS: '25',
    SHUTDOWN_TIMEOUT_MS: '10000',
  };
  const withKafka = { ...base, KAFKA_BROKERS: brokers.join(','), CONSUMER_CONCURRENCY: '9' };
  const procs: Proc[] = [
    spawnService('cart', { ...base, PORT: String(ports.cart), REDIS_URL: redisUrl(), CATALOG_URL: catalogUrl }),
    spawnService('inventory', { ...withKafka, PORT: String(ports.inventory), CONSUMER_GROUP: `inventory-${runId}`, KAFKA_CLIENT_ID: `inventory-${runId}` }),
    spawnService('payments', {
      ...withKafka,
      PORT: String(ports.payments),
      CONSUMER_GROUP: `payments-${runId}`,
      KAFKA_CLIENT_ID: `payments-${runId}`,
      PROVIDER_TIMEOUT_MS: String(settings.providerTimeoutMs ?? 1_000),
    }),
    spawnService('orders', {
      ...withKafka,
      PORT: String(ports.orders),
      CONSUMER_GROUP: `orders-${runId}`,
      KAFKA_CLIENT_ID: `orders-${runId}`,
      CART_URL: `http://127.0.0.1:${ports.cart}`,
      RESERVATION_TIMEOUT_MS: String(settings.reservationTimeoutMs ?? 120_000),
      PAYMENT_TIMEOUT_MS: String(settings.paymentTimeoutMs ?? 60_000),
      SAGA_SWEEP_MS: '250',
    }),
  ];
  const urls = {
    orders: `http://127.0.0.1:${ports.orders}`,
    inventory: `http://127.0.0.1:${ports.inventory}`,
    payments: `http://127.0.0.1:${ports.payments}`,
    cart: `http://127.0.0.1:${ports.cart}`,
  };
  const stop = async () => {
    await Promise.all(procs.map(stopProc));
    jwksServer.close();
    catalogServer.close();
    await db.end();
    const c = new pg.Client({ connectionString: databaseUrl() });
    await c.connect();
    await c.query(`drop database if exists ${dbName} with (force)`);
    await c.end();
    await cleanupKafka(kafka, runId);
  };
  try {
    await Promise.all(procs.map((p) => waitReady(p, urls[p.name as keyof typeof urls])));
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { runId, urls, issuer, db, products, adminToken, stop };
}
