/**
 * Smoke tests that prove the test engines are the real ones and behave as the services and the
 * operator rely on: Kafka without topic auto-creation, Redis expiry, PostgreSQL transactions,
 * a kube-apiserver with RBAC that serves CRDs to client-node and kubectl. Also the harness's
 * own check of an unreachable engine.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { databaseUrl, HOW_TO_PROVISION, kafkaBrokers, kubeconfigPath, redisUrl } from '../support/engines.ts';
import { checkEngines, HarnessError } from '../support/harness.ts';

const run = promisify(execFile);
const suffix = (): string => randomBytes(4).toString('hex');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('real engines', function () {
  this.timeout(60_000);

  describe('Kafka', () => {
    const topic = `smoke.engines.${suffix()}`;
    let kafka: Kafka;
    let admin: Admin;

    // Addresses are read in hooks, not while the suite is defined, so a missing engine fails
    // these tests rather than the loading of every suite.
    before(async () => {
      kafka = new Kafka({ clientId: 'engines-smoke', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
      admin = kafka.admin();
      await admin.connect();
      // GIVEN a topic made through the admin API, as the operator makes the catalog's topics
      assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true }), true);
    });
    after(async () => {
      await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin?.disconnect();
    });

    it('round-trips a keyed message with headers through a consumer group and commits its offset', async () => {
      const groupId = `smoke-group-${suffix()}`;
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      // A short fetch wait: kafkajs commits after the fetch that follows the batch.
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      await producer.connect();
      await consumer.connect();
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: [{ key: 'order-1', value: '{"total":1990}', headers: { ce_type: 'order.placed', ce_id: 'e-1' } }],
        });
        await consumer.subscribe({ topic, fromBeginning: true });
        const received = new Promise<KafkaMessage>((resolve) => {
          void consumer.run({
            eachMessage: async ({ message, partition }) => resolve({ ...message, partition }),
          });
        });
        const message = await received;
        assert.equal(message.key?.toString(), 'order-1');
        assert.equal(message.value?.toString(), '{"total":1990}');
        assert.equal(message.headers?.ce_type?.toString(), 'order.placed');
        assert.equal(message.headers?.ce_id?.toString(), 'e-1');
        // kafkajs commits after eachMessage resolves; wait until the broker has the offset.
        let committed: string | undefined;
        for (let i = 0; i < 50 && committed !== '1'; i++) {
          await sleep(100);
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
          committed = offsets?.partitions.find((p) => p.partition === message.partition)?.offset;
        }
        assert.equal(committed, '1');
      } finally {
        await consumer.disconnect();
        await producer.disconnect();
        await admin.deleteGroups([groupId]).catch(() => undefined);
      }
    });

    it('refuses to create a topic on produce (auto.create.topics.enable=false)', async () => {
      const unknown = `smoke.unknown.${suffix()}`;
      const producer = kafka.producer({ retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 } });
      await producer.connect();
      try {
        await assert.rejects(producer.send({ topic: unknown, messages: [{ value: 'x' }] }));
      } finally {
        await producer.disconnect();
      }
      assert.equal((await admin.listTopics()).includes(unknown), false);
    });
  });

  describe('Redis', () => {
    let redis: Redis;
    before(() => {
      redis = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
      redis.on('error', () => undefined);
    });
    after(async () => {
      await redis?.quit();
    });

    it('stores a value with a millisecond expiry and forgets it afterwards', async () => {
      const key = `smoke:engines:${suffix()}`;
      assert.equal(await redis.set(key, 'cart', 'PX', 300), 'OK');
      assert.equal(await redis.get(key), 'cart');
      const ttl = await redis.pttl(key);
      assert.ok(ttl > 0 && ttl <= 300, `pttl ${ttl}`);
      await sleep(400);
      assert.equal(await redis.get(key), null);
      const info = await redis.info('server');
      assert.match(info, /redis_version:\d+\.\d+/);
    });
  });

  describe('PostgreSQL', () => {
    const table = `smoke_engines_${suffix()}`;
    let client: pg.Client;
    before(async () => {
      client = new pg.Client({ connectionString: databaseUrl() });
      await client.connect();
      await client.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text NOT NULL)`);
    });
    after(async () => {
      await client?.query(`DROP TABLE IF EXISTS ${table}`);
      await client?.end();
    });

    it('reports a real server version', async () => {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      const version = rows[0]?.server_version ?? '';
      assert.match(version, /^\d+\.\d+/);
      if (process.env.VITRINE_POSTGRES_VERSION) assert.ok(version.startsWith(process.env.VITRINE_POSTGRES_VERSION));
    });

    it('rolls a transaction back so its row is gone', async () => {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} (id, note) VALUES (1, 'inside')`);
      const inside = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
      assert.equal(inside.rows[0].n, 1);
      await client.query('ROLLBACK');
      const after = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
      assert.equal(after.rows[0].n, 0);
    });
  });

  describe('kube-apiserver', () => {
    const kc = new k8s.KubeConfig();
    const id = suffix();
    const namespace = `smoke-engines-${id}`;
    const group = `smoke-${id}.test.vitrine.dev`;
    const crdName = `probes.${group}`;
    let workDir: string;

    before(() => {
      kc.loadFromFile(kubeconfigPath());
      workDir = mkdtempSync(join(tmpdir(), 'engines-kubectl-'));
    });
    after(async () => {
      const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
      await extensions.deleteCustomResourceDefinition({ name: crdName }).catch(() => undefined);
      // Without a controller-manager the namespace stays Terminating; its name is unique.
      await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
      rmSync(workDir, { recursive: true, force: true });
    });

    it('refuses an anonymous caller (RBAC is on)', async () => {
      const cluster = kc.getCurrentCluster();
      assert.ok(cluster?.caData, 'kubeconfig has the cluster CA inline');
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${cluster.server}/api/v1/namespaces`,
          { ca: Buffer.from(cluster.caData as string, 'base64') },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.ok(status === 401 || status === 403, `anonymous list of namespaces answered ${status}`);
    });

    it('creates a namespace and a CRD that becomes Established', async () => {
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const created = await core.createNamespace({ body: { metadata: { name: namespace } } });
      assert.equal(created.metadata?.name, namespace);

      const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
      await extensions.createCustomResourceDefinition({ body: probeCrd(group) });
      let established = false;
      for (let i = 0; i < 100 && !established; i++) {
        const crd = await extensions.readCustomResourceDefinition({ name: crdName });
        established = Boolean(crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'));
        if (!established) await sleep(100);
      }
      assert.equal(established, true, `${crdName} not Established`);
    });

    it('applies a custom object with kubectl and reads it back as JSON', async () => {
      const manifest = join(workDir, 'probe.yaml');
      writeFileSync(
        manifest,
        [`apiVersion: ${group}/v1`, 'kind: Probe', 'metadata:', '  name: first', `  namespace: ${namespace}`,
          'spec:', '  target: kafka', '  intervalSeconds: 5', ''].join('\n'),
      );
      // A fresh discovery cache: the group was created a moment ago.
      const kubectl = (...args: string[]) =>
        run('kubectl', ['--kubeconfig', kubeconfigPath(), '--cache-dir', join(workDir, 'cache'), ...args]);
      const applied = await kubectl('apply', '-f', manifest);
      assert.match(applied.stdout, /probe\.[\w.-]+\/first created/);
      const { stdout } = await kubectl('get', `probes.${group}`, 'first', '-n', namespace, '-o', 'json');
      const object = JSON.parse(stdout) as { kind: string; spec: { target: string; intervalSeconds: number } };
      assert.equal(object.kind, 'Probe');
      assert.deepEqual(object.spec, { target: 'kafka', intervalSeconds: 5 });
      // The schema is enforced by the server: a bad value is refused.
      writeFileSync(manifest, readBad(group, namespace));
      await assert.rejects(kubectl('apply', '-f', manifest), /intervalSeconds/);
    });
  });

  describe('harness check', () => {
    it('fails with the engine, its address and the provisioning command when Kafka is not there', async () => {
      const port = await closedPort();
      const env = { ...process.env, KAFKA_BROKERS: `127.0.0.1:${port}` };
      await assert.rejects(checkEngines(env, 1000), (error: unknown) => {
        assert.ok(error instanceof HarnessError);
        assert.equal(error.code, 'ENGINE_UNREACHABLE');
        assert.match(error.message, new RegExp(`kafka at 127\\.0\\.0\\.1:${port} \\(KAFKA_BROKERS\\) is unreachable`));
        assert.ok(error.message.includes('bash scripts/engines up'));
        assert.ok(error.message.includes(HOW_TO_PROVISION));
        // only Kafka is named: the other engines answered
        assert.doesNotMatch(error.message, /postgres at|redis at|kube-apiserver at/);
        return true;
      });
    });

    it('passes when every engine answers', async () => {
      const endpoints = await checkEngines(process.env, 2000);
      assert.deepEqual(endpoints.map((e) => e.engine).sort(), ['kafka', 'kube-apiserver', 'postgres', 'redis']);
    });
  });
});

type KafkaMessage = {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  partition: number;
};

function probeCrd(group: string): k8s.V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `probes.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'probes', singular: 'probe', kind: 'Probe', listKind: 'ProbeList' },
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['target'],
                properties: {
                  target: { type: 'string' },
                  intervalSeconds: { type: 'integer', minimum: 1 },
                },
              },
            },
          },
        },
      }],
    },
  };
}

function readBad(group: string, namespace: string): string {
  return [`apiVersion: ${group}/v1`, 'kind: Probe', 'metadata:', '  name: bad', `  namespace: ${namespace}`,
    'spec:', '  target: kafka', '  intervalSeconds: 0', ''].join('\n');
}

/** A loopback port that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}
