/**
 * ShopPlatform on a real kube-apiserver and a real Kafka broker: the catalog's topics with retry
 * and dead-letter topics (partitions and retention from the spec), the services summary, Kafka
 * unreachable as a condition, and deletionPolicy Delete removing the topics before the finalizer.
 */
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { KubernetesObject } from '@kubernetes/client-node';
import { RESOURCES, type KubeClient } from '../../../operator/runtime/index.ts';
import { catalogTopics } from '../../../services/kit/events/catalog.ts';
import { kafkaBrokers } from '../../support/engines.ts';
import { adminClient, createNamespace, deleteNamespace, installCrds, operatorKubeconfig, startOperator, suffix, waitFor, type OperatorProcess } from './support.ts';

interface Platform extends KubernetesObject {
  status?: {
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
    topics?: string[];
    kafka?: { brokers: number };
    services?: { ready: number; total: number };
    servicesReady?: string;
  };
}

describe('operator: ShopPlatform (real Kafka)', function () {
  this.timeout(60_000);
  let admin: KubeClient;
  let kafkaAdmin: Admin;
  let ns: string;
  let op: OperatorProcess;
  let cleanupRbac: () => Promise<void>;
  const prefix = `plat-${suffix()}`;
  const condition = (p: Platform, type: string) => p.status?.conditions?.find((c) => c.type === type);

  before(async () => {
    admin = adminClient();
    await installCrds(admin);
    kafkaAdmin = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await kafkaAdmin.connect();
    ns = await createNamespace(admin, 'op-plat');
    const kc = await operatorKubeconfig(admin, ns);
    cleanupRbac = kc.cleanup;
    op = startOperator({ KUBECONFIG: kc.path, WATCH_NAMESPACE: ns, LEADER_ELECTION: 'false', CONTROLLERS: 'shopplatform,shopservice' });
    await op.started;
  });

  after(async () => {
    await deleteNamespace(admin, ns).catch(() => undefined);
    await op?.stop();
    await cleanupRbac?.();
    const mine = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (mine.length) await kafkaAdmin.deleteTopics({ topics: mine });
    await kafkaAdmin.disconnect();
  });

  it('ensures the catalog topics and per-group retry and dead-letter topics with the spec settings', async () => {
    await admin.apply(RESOURCES.shopServices, {
      apiVersion: 'vitrine.dev/v1alpha1',
      kind: 'ShopService',
      metadata: { name: 'inventory', namespace: ns },
      spec: { component: 'inventory', image: 'img:1', events: { consumes: ['order.placed', 'order.cancelled'], publishes: ['stock.changed'] } },
    } as KubernetesObject);
    await admin.apply(RESOURCES.shopPlatforms, {
      apiVersion: 'vitrine.dev/v1alpha1',
      kind: 'ShopPlatform',
      metadata: { name: 'shop', namespace: ns },
      spec: { kafka: { bootstrapServers: kafkaBrokers() }, topics: { prefix, partitions: 2, replicationFactor: 1, retentionHours: 2, deletionPolicy: 'Delete' } },
    } as KubernetesObject);
    let platform: Platform | undefined;
    await waitFor('topics ensured', async () => {
      platform = await admin.get<Platform>(RESOURCES.shopPlatforms, ns, 'shop');
      return condition(platform, 'TopicsReady')?.status === 'True';
    }, 40_000);
    const expected = [
      ...catalogTopics().map((t) => t.replace(/^vitrine\./, `${prefix}.`)),
      `${prefix}.orders.inventory.retry`,
      `${prefix}.orders.inventory.dlq`,
    ].sort();
    assert.deepEqual(platform?.status?.topics, expected);
    const existing = new Set(await kafkaAdmin.listTopics());
    for (const t of expected) assert.ok(existing.has(t), `topic ${t} exists in Kafka`);
    const meta = await kafkaAdmin.fetchTopicMetadata({ topics: [`${prefix}.orders.inventory.dlq`] });
    assert.equal(meta.topics[0]?.partitions.length, 2);
    const configs = await kafkaAdmin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: `${prefix}.orders` }] });
    assert.equal(configs.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue, String(2 * 3_600_000));
    assert.ok((platform?.status?.kafka?.brokers ?? 0) >= 1);
    assert.equal(condition(platform as Platform, 'KafkaReachable')?.status, 'True');
    assert.deepEqual(platform?.metadata?.finalizers, ['vitrine.dev/topics']);
  });

  it('sums up the ShopServices of the namespace (ready / total)', async () => {
    await waitFor('0/1 ready', async () => (await admin.get<Platform>(RESOURCES.shopPlatforms, ns, 'shop')).status?.servicesReady === '0/1');
    // Simulate the Deployment controller: the one replica is ready.
    await waitFor('Deployment exists', () => admin.get(RESOURCES.deployments, ns, 'inventory').then(() => true));
    await admin.mergePatch(RESOURCES.deployments, ns, 'inventory', { status: { replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 } }, 'status');
    await waitFor('1/1 ready and platform Ready', async () => {
      const p = await admin.get<Platform>(RESOURCES.shopPlatforms, ns, 'shop');
      return p.status?.servicesReady === '1/1' && condition(p, 'Ready')?.status === 'True';
    });
  });

  it('deletionPolicy Delete removes the topics, then the finalizer', async () => {
    const before = (await admin.get<Platform>(RESOURCES.shopPlatforms, ns, 'shop')).status?.topics ?? [];
    await admin.delete(RESOURCES.shopPlatforms, ns, 'shop');
    await waitFor('ShopPlatform gone', () => admin.get(RESOURCES.shopPlatforms, ns, 'shop').then(() => false, () => true), 40_000);
    const left = new Set(await kafkaAdmin.listTopics());
    assert.deepEqual(before.filter((t) => left.has(t)), []);
  });

  it('reports an unreachable Kafka as a condition, not a crash loop', async () => {
    await admin.apply(RESOURCES.shopPlatforms, {
      apiVersion: 'vitrine.dev/v1alpha1',
      kind: 'ShopPlatform',
      metadata: { name: 'nowhere', namespace: ns },
      spec: { kafka: { bootstrapServers: ['127.0.0.1:1'] }, topics: { prefix } },
    } as KubernetesObject);
    await waitFor('KafkaReachable False', async () => {
      const p = await admin.get<Platform>(RESOURCES.shopPlatforms, ns, 'nowhere');
      return condition(p, 'KafkaReachable')?.status === 'False' && condition(p, 'Ready')?.reason === 'KafkaUnreachable';
    }, 30_000);
  });
});
