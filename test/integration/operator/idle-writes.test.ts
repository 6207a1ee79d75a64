/**
 * A settled operator writes nothing. 50 ShopServices and a ShopPlatform (real Kafka) settle, then
 * for an idle window the operator's write requests (its rest_client_requests_total for POST,
 * PUT, PATCH, DELETE; leader election is off here, so no Lease renewals) and every object's
 * resourceVersion in the namespace are compared.
 *
 * The window is 10 s instead of 60 s to keep the suite fast; what could write in a window is a
 * resync or a Kafka recheck, so the resync period is cut to 3 s: each object is reconciled about
 * three times inside the window (asserted). The full 60 s window with 1,000 ShopServices is in
 * bench/operator.ts.
 */
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import type { KubernetesObject } from '@kubernetes/client-node';
import { RESOURCES, type KubeClient } from '../../../operator/runtime/index.ts';
import { kafkaBrokers } from '../../support/engines.ts';
import { adminClient, createNamespace, deleteNamespace, installCrds, operatorKubeconfig, operatorWrites, startOperator, suffix, waitFor, type OperatorProcess } from './support.ts';

const COUNT = 50;
const WINDOW_MS = 10_000;

async function reconcileCount(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...text.matchAll(/^controller_runtime_reconcile_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
}

describe('operator: no writes while settled (50 ShopServices + a ShopPlatform)', function () {
  this.timeout(90_000);
  let admin: KubeClient;
  let ns: string;
  let op: OperatorProcess;
  let cleanupRbac: () => Promise<void>;
  const prefix = `idle-${suffix()}`;

  before(async () => {
    admin = adminClient();
    await installCrds(admin);
    ns = await createNamespace(admin, 'op-idle');
    const kc = await operatorKubeconfig(admin, ns);
    cleanupRbac = kc.cleanup;
    op = startOperator({ KUBECONFIG: kc.path, WATCH_NAMESPACE: ns, LEADER_ELECTION: 'false', CONTROLLERS: 'shopplatform,shopservice', RESYNC_PERIOD_MS: '3000' });
    await op.started;
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(op.logs().split('\n').slice(-60).join('\n'));
  });

  after(async () => {
    await deleteNamespace(admin, ns).catch(() => undefined);
    await op?.stop();
    await cleanupRbac?.();
    const kafka = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    const ka = kafka.admin();
    await ka.connect();
    const mine = (await ka.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (mine.length) await ka.deleteTopics({ topics: mine });
    await ka.disconnect();
  });

  it('makes no API writes in an idle window after settling', async () => {
    await admin.apply(RESOURCES.shopPlatforms, {
      apiVersion: 'vitrine.dev/v1alpha1',
      kind: 'ShopPlatform',
      metadata: { name: 'shop', namespace: ns },
      spec: { kafka: { bootstrapServers: kafkaBrokers() }, topics: { prefix, partitions: 1 } },
    } as KubernetesObject);
    const components = ['catalog', 'cart', 'orders', 'inventory', 'payments'];
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        admin.apply(RESOURCES.shopServices, {
          apiVersion: 'vitrine.dev/v1alpha1',
          kind: 'ShopService',
          metadata: { name: `svc-${i}`, namespace: ns },
          spec: {
            component: components[i % components.length],
            image: 'ghcr.io/vitrine/vitrine:0.1.0',
            ...(i % 2 ? { autoscaling: { minReplicas: 2, maxReplicas: 4 } } : { replicas: 1 }),
          },
        } as KubernetesObject),
      ),
    );
    const port = await op.started;
    await waitFor(
      'all settled',
      async () => {
        const list = await admin.list<KubernetesObject & { status?: { observedGeneration?: number } }>(RESOURCES.shopServices, ns);
        const platform = await admin.get<KubernetesObject & { status?: { observedGeneration?: number; services?: { total: number } } }>(RESOURCES.shopPlatforms, ns, 'shop');
        return (
          list.items.length === COUNT &&
          list.items.every((s) => s.status?.observedGeneration === s.metadata?.generation) &&
          platform.status?.services?.total === COUNT
        );
      },
      60_000,
    );
    // Quiet for 2 s: the last status writes have landed.
    let last = await operatorWrites(port);
    await waitFor('writes stop', async () => {
      await new Promise((r) => setTimeout(r, 2000));
      const now = await operatorWrites(port);
      const quiet = now === last;
      last = now;
      return quiet;
    }, 30_000);

    const versions = async (): Promise<Map<string, string>> => {
      const out = new Map<string, string>();
      for (const rt of [RESOURCES.shopServices, RESOURCES.shopPlatforms, RESOURCES.deployments, RESOURCES.services, RESOURCES.serviceAccounts, RESOURCES.configMaps, RESOURCES.hpas, RESOURCES.pdbs, RESOURCES.networkPolicies]) {
        for (const o of (await admin.list(rt, ns)).items) out.set(`${rt.kind}/${o.metadata?.name}`, o.metadata?.resourceVersion ?? '');
      }
      return out;
    };
    const before = await versions();
    const writesBefore = await operatorWrites(port);
    const reconcilesBefore = await reconcileCount(port);
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const writesAfter = await operatorWrites(port);
    const reconciles = (await reconcileCount(port)) - reconcilesBefore;
    const after = await versions();
    console.log(`      ${before.size} objects, ${reconciles} reconciles and ${writesAfter - writesBefore} writes in a ${WINDOW_MS / 1000} s idle window`);
    assert.ok(before.size >= COUNT * 5, `expected children for every service, saw ${before.size} objects`);
    assert.ok(reconciles >= COUNT * 2, `resync should have reconciled every object at least twice (saw ${reconciles})`);
    assert.equal(writesAfter - writesBefore, 0, 'operator write requests in the idle window');
    const changed = [...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k);
    assert.deepEqual(changed, [], 'objects whose resourceVersion changed');
  });
});
