/**
 * Identity, catalog and cart as separate processes (`tsx services/<x>/main.ts`) on the real Kafka,
 * PostgreSQL and Redis: catalog and cart verify identity's tokens through its JWKS URL, cart takes
 * price snapshots from catalog over HTTP, and catalog's `product.updated` reaches cart through
 * Kafka (outbox → relay → topic → cart's consumer group).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { databaseUrl, kafkaBrokers, redisUrl } from '../../support/engines.ts';
import { topicEnds } from '../../support/kafka.ts';
import { http, signUp } from '../identity/stack.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  s.close();
  return port;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('identity, catalog and cart as separate processes on Kafka, PostgreSQL and Redis', function () {
  this.timeout(120_000);
  const run = `p${process.pid}${Date.now().toString(36)}`;
  const names = { identity: `identity-${run}`, catalog: `catalog-${run}`, cart: `cart-${run}` };
  const adminEmail = `admin-${run}@example.com`;
  const procs: ChildProcess[] = [];
  const output: string[] = [];
  const urls = { identity: '', catalog: '', cart: '' };
  const kafka = new kafkajs.Kafka({ clientId: `processes-${run}`, brokers: kafkaBrokers(), logLevel: kafkajs.logLevel.NOTHING });

  /** New consumer groups start at the end of the shared topics, not at records of earlier runs. */
  async function pinToEnd(groupId: string, topics: string[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length > 0) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 3 })) });
      for (const topic of topics) {
        const partitions = await topicEnds(admin, topic);
        await admin.setOffsets({ groupId, topic, partitions });
      }
    } finally {
      await admin.disconnect();
    }
  }

  function spawnService(service: keyof typeof names, env: Record<string, string>): void {
    const child = spawn(TSX, [`services/${service}/main.ts`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output.push(...chunk.toString().split('\n').filter(Boolean).map((l) => `${service}: ${l}`));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    procs.push(child);
  }

  before(async () => {
    const ports = { identity: await freePort(), catalog: await freePort(), cart: await freePort() };
    for (const k of Object.keys(ports) as (keyof typeof ports)[]) urls[k] = `http://127.0.0.1:${ports[k]}`;
    await pinToEnd(names.catalog, ['vitrine.catalog', 'vitrine.inventory']);
    await pinToEnd(names.cart, ['vitrine.catalog']);
    const common = {
      DATABASE_URL: databaseUrl(),
      REDIS_URL: redisUrl(),
      KAFKA_BROKERS: kafkaBrokers().join(','),
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      OUTBOX_POLL_MS: '50',
      // Generous: under a loaded machine a Kafka consumer can take seconds to leave its group.
      SHUTDOWN_TIMEOUT_MS: '25000',
    };
    const jwks = `${urls.identity}/.well-known/jwks.json`;
    spawnService('identity', { ...common, SERVICE_NAME: names.identity, PORT: String(ports.identity), ADMIN_EMAILS: adminEmail, ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' });
    spawnService('catalog', { ...common, SERVICE_NAME: names.catalog, PORT: String(ports.catalog), JWKS_URL: jwks });
    spawnService('cart', { ...common, SERVICE_NAME: names.cart, PORT: String(ports.cart), JWKS_URL: jwks, CATALOG_URL: urls.catalog });
    try {
      for (const url of Object.values(urls)) await waitFor(`${url}/readyz`, async () => (await fetch(`${url}/readyz`)).ok, 60_000);
    } catch (err) {
      console.error(output.slice(-30).join('\n'));
      throw err;
    }
  });

  after(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode === null ? once(p, 'exit') : Promise.resolve())));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const own = (await admin.listTopics()).filter((t) => Object.values(names).some((n) => t.includes(`.${n}.`)));
      if (own.length > 0) await admin.deleteTopics({ topics: own }).catch(() => undefined);
      await admin.deleteGroups(Object.values(names).flatMap((n) => [n, `${n}.retry`])).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    for (const n of Object.values(names)) await client.query(`drop schema if exists ${n.replaceAll('-', '_')} cascade`);
    await client.end();
    const redis = new Redis(redisUrl());
    for (const n of Object.values(names)) {
      const keys = await redis.keys(`${n}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await redis.quit();
  });

  it('stops gracefully on SIGTERM and works end to end: JWKS across processes, snapshots over HTTP, product.updated over Kafka', async () => {
    const admin = await signUp(urls.identity, adminEmail);
    const shopper = await signUp(urls.identity);
    const sku = `SKU-${run}`.toUpperCase();
    const created = await http('PUT', `${urls.catalog}/api/catalog/products/${sku}`, {
      token: admin.accessToken,
      body: { name: 'Farinha de Mandioca 1 kg', price: { amount: 1290, currency: 'BRL' } },
    });
    assert.equal(created.status, 201);
    const added = await http('PUT', `${urls.cart}/api/cart/items/${sku}`, { token: shopper.accessToken, body: { quantity: 3 } });
    assert.equal(added.status, 200);
    assert.deepEqual(added.body.total, { amount: 3870, currency: 'BRL' });

    const renamed = await http('PUT', `${urls.catalog}/api/catalog/products/${sku}`, {
      token: admin.accessToken,
      body: { name: 'Farinha Torrada 1 kg', price: { amount: 1490, currency: 'BRL' }, active: false },
    });
    assert.equal(renamed.status, 200);
    await waitFor(
      'product.updated to reach cart through Kafka',
      async () => {
        const cart = await http('GET', `${urls.cart}/internal/carts/${shopper.id}`);
        const line = (cart.body.items as { name: string; available: boolean }[])[0];
        return line?.name === 'Farinha Torrada 1 kg' && line.available === false;
      },
      30_000,
    );
    const cart = await http('GET', `${urls.cart}/api/cart`, { token: shopper.accessToken });
    assert.deepEqual((cart.body.items as { unitPrice: unknown }[])[0]?.unitPrice, { amount: 1290, currency: 'BRL' }, 'snapshot price kept');

    // The catalog itself also consumed its event (cache invalidation across replicas), recorded in its inbox.
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      const inbox = await client.query(`select count(*)::int as n from ${names.catalog.replaceAll('-', '_')}.inbox where event_type = 'product.updated'`);
      assert.ok(Number(inbox.rows[0]?.n) >= 1);
    } finally {
      await client.end();
    }

    const stopped = Date.now();
    for (const p of procs) p.kill('SIGTERM');
    const exits = await Promise.all(
      procs.map(async (p) => {
        const [code, signal] = p.exitCode !== null ? [p.exitCode, null] : ((await once(p, 'exit')) as [number | null, string | null]);
        return `${String(code)}/${String(signal)} after ${Date.now() - stopped} ms`;
      }),
    );
    assert.deepEqual(
      exits.map((e) => e.split(' ')[0]),
      ['0/null', '0/null', '0/null'],
      `exits (identity, catalog, cart): ${exits.join('; ')}; last output:\n${output.slice(-20).join('\n')}`,
    );
  });
});
