/**
 * ShopService on a real kube-apiserver, with the operator running as a ServiceAccount bound to
 * the operator's ClusterRole: samples → children with owner references and our field manager,
 * printer columns, `kubectl scale`, drift repair, fields of others kept, pause, delete.
 */
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { RESOURCES, type KubeClient } from '../../../operator/runtime/index.ts';
import {
  adminClient,
  createNamespace,
  deleteNamespace,
  installCrds,
  kubectl,
  operatorKubeconfig,
  startOperator,
  waitFor,
  type OperatorProcess,
} from './support.ts';

type Obj = KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
interface Deployment extends KubernetesObject {
  spec: { replicas?: number; template: { spec: { containers: { image: string }[] } } };
}

const CHILDREN = [RESOURCES.serviceAccounts, RESOURCES.configMaps, RESOURCES.deployments, RESOURCES.services, RESOURCES.networkPolicies];

describe('operator: ShopService (real kube-apiserver, operator as a least-privilege ServiceAccount)', function () {
  this.timeout(60_000);
  let admin: KubeClient;
  let ns: string;
  let op: OperatorProcess;
  let cleanupRbac: () => Promise<void>;

  const get = <T extends KubernetesObject = Obj>(rt: typeof RESOURCES.deployments, name: string): Promise<T> => admin.get<T>(rt, ns, name);
  const exists = async (rt: typeof RESOURCES.deployments, name: string): Promise<boolean> =>
    get(rt, name).then(
      () => true,
      () => false,
    );

  before(async () => {
    admin = adminClient();
    await installCrds(admin);
    ns = await createNamespace(admin, 'op-svc');
    const kc = await operatorKubeconfig(admin, ns);
    cleanupRbac = kc.cleanup;
    op = startOperator({ KUBECONFIG: kc.path, WATCH_NAMESPACE: ns, LEADER_ELECTION: 'false', CONTROLLERS: 'shopplatform,shopservice' });
    await op.started;
  });

  after(async () => {
    await deleteNamespace(admin, ns).catch(() => undefined);
    await op?.stop();
    await cleanupRbac?.();
  });

  it('kubectl apply -f crds/samples/ yields children with owner references and the vitrine-operator field manager', async () => {
    const r = kubectl(['apply', '-n', ns, '-f', 'crds/samples/']);
    assert.equal(r.status, 0, r.stderr);
    for (const name of ['catalog', 'orders', 'notifications']) {
      await waitFor(`children of ${name}`, async () => (await Promise.all(CHILDREN.map((rt) => exists(rt, name)))).every(Boolean));
      const svc = await get(RESOURCES.shopServices, name);
      for (const rt of CHILDREN) {
        const child = await admin.request<KubernetesObject>('GET', `${rt.group ? `/apis/${rt.group}` : '/api'}/${rt.version}/namespaces/${ns}/${rt.plural}/${name}`, {
          query: { showManagedFields: 'true' },
        });
        const ref = child.metadata?.ownerReferences?.[0];
        assert.equal(ref?.uid, svc.metadata?.uid, `${rt.kind}/${name} owner`);
        assert.equal(ref?.controller, true);
        assert.ok(
          child.metadata?.managedFields?.some((m) => m.manager === 'vitrine-operator' && m.operation === 'Apply'),
          `${rt.kind}/${name} applied by vitrine-operator`,
        );
      }
    }
    assert.ok(await exists(RESOURCES.hpas, 'catalog'), 'catalog has an HPA');
    assert.ok(await exists(RESOURCES.pdbs, 'catalog'), 'catalog has a PDB');
    const hpa = await get<KubernetesObject & { spec: { behavior: { scaleUp: { stabilizationWindowSeconds: number }; scaleDown: { stabilizationWindowSeconds: number } } } }>(
      RESOURCES.hpas,
      'catalog',
    );
    assert.equal(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds, 120);
    assert.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 300);
    // replicas is not owned by the operator while the HPA is.
    const withFields = await admin.request<KubernetesObject>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/catalog`, { query: { showManagedFields: 'true' } });
    const ours = withFields.metadata?.managedFields?.find((m) => m.manager === 'vitrine-operator');
    assert.ok(!JSON.stringify(ours?.fieldsV1 ?? {}).includes('"f:replicas"'), 'replicas not in our managed fields');
  });

  it('without KEDA, Kafka-lag scaling is a condition and the HPA keeps scaling on CPU', async () => {
    await waitFor('KafkaLagScaling condition', async () => {
      const svc = await get(RESOURCES.shopServices, 'notifications');
      const c = (svc.status?.conditions as { type: string; status: string; reason: string }[] | undefined)?.find((x) => x.type === 'KafkaLagScaling');
      return c?.status === 'False' && c.reason === 'KedaNotInstalled';
    });
    assert.ok(await exists(RESOURCES.hpas, 'notifications'));
  });

  it('kubectl get shopservices shows READY, REPLICAS, IMAGE, AGE; kubectl scale works', async () => {
    const r = kubectl(['get', 'shopservices', '-n', ns]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.split('\n')[0] ?? '', /^NAME\s+READY\s+REPLICAS\s+IMAGE\s+AGE$/);
    assert.match(r.stdout, /orders\s+False\s+0\s+ghcr\.io\/vitrine\/vitrine:0\.1\.0/);

    const s = kubectl(['scale', 'shopservice', 'orders', '-n', ns, '--replicas=4']);
    assert.equal(s.status, 0, s.stderr);
    await waitFor('Deployment orders at 4 replicas', async () => (await get<Deployment>(RESOURCES.deployments, 'orders')).spec.replicas === 4);
    // No controller-manager here: simulate the Deployment controller reporting 4 ready pods.
    await admin.mergePatch(RESOURCES.deployments, ns, 'orders', { status: { replicas: 4, readyReplicas: 4, updatedReplicas: 4, availableReplicas: 4 } }, 'status');
    await waitFor('orders Ready with 4 replicas', () => /orders\s+True\s+4\s+/.test(kubectl(['get', 'shopservices', '-n', ns]).stdout));
    const svc = await get(RESOURCES.shopServices, 'orders');
    assert.equal(svc.status?.observedGeneration, svc.metadata?.generation);
  });

  it('repairs drift: a changed image and a deleted Service come back; a person\'s annotation is kept', async () => {
    assert.equal(kubectl(['annotate', 'deployment', 'orders', '-n', ns, 'example.com/owner-note=kept']).status, 0);
    assert.equal(kubectl(['set', 'image', 'deployment/orders', '-n', ns, 'app=evil.example/x:1']).status, 0);
    const imageBack = await waitFor('image repaired', async () => (await get<Deployment>(RESOURCES.deployments, 'orders')).spec.template.spec.containers[0]?.image === 'ghcr.io/vitrine/vitrine:0.1.0');
    assert.equal(kubectl(['delete', 'service', 'orders', '-n', ns]).status, 0);
    const serviceBack = await waitFor('Service recreated', () => exists(RESOURCES.services, 'orders'));
    const dep = await get<Deployment>(RESOURCES.deployments, 'orders');
    assert.equal(dep.metadata?.annotations?.['example.com/owner-note'], 'kept');
    console.log(`      drift repaired: image in ${imageBack} ms, Service in ${serviceBack} ms`);
  });

  it('the vitrine.dev/paused annotation stops reconciliation until removed', async () => {
    assert.equal(kubectl(['annotate', 'shopservice', 'orders', '-n', ns, 'vitrine.dev/paused=true']).status, 0);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(kubectl(['patch', 'shopservice', 'orders', '-n', ns, '--type=merge', '-p', '{"spec":{"image":"ghcr.io/vitrine/vitrine:0.2.0"}}']).status, 0);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await get<Deployment>(RESOURCES.deployments, 'orders')).spec.template.spec.containers[0]?.image, 'ghcr.io/vitrine/vitrine:0.1.0');
    assert.equal(kubectl(['annotate', 'shopservice', 'orders', '-n', ns, 'vitrine.dev/paused-']).status, 0);
    await waitFor('image updated after unpause', async () => (await get<Deployment>(RESOURCES.deployments, 'orders')).spec.template.spec.containers[0]?.image === 'ghcr.io/vitrine/vitrine:0.2.0');
  });

  it('removing autoscaling removes the HPA and gives replicas back to the operator', async () => {
    assert.equal(kubectl(['patch', 'shopservice', 'notifications', '-n', ns, '--type=json', '-p', '[{"op":"remove","path":"/spec/autoscaling"}]']).status, 0);
    await waitFor('HPA removed', async () => !(await exists(RESOURCES.hpas, 'notifications')));
    await waitFor('Deployment owns replicas again', async () => (await get<Deployment>(RESOURCES.deployments, 'notifications')).spec.replicas === 1);
  });

  it('records Events, serves /healthz, /readyz and controller-runtime metrics, and has no admin rights', async () => {
    const events = kubectl(['get', 'events.events.k8s.io', '-n', ns, '--field-selector', 'regarding.name=catalog', '-o', 'jsonpath={.items[*].reason}']);
    assert.match(events.stdout, /Applied/);
    const port = await op.started;
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const name of ['controller_runtime_reconcile_total', 'controller_runtime_reconcile_time_seconds_bucket', 'workqueue_depth', 'workqueue_retries_total']) {
      assert.match(metrics, new RegExp(`^${name}\\{[^}]*controller="shopservice"|^${name}\\{[^}]*name="shopservice"`, 'm'), name);
    }
    // The operator's token can do what the ClusterRole says and nothing more.
    const as = ['--as', `system:serviceaccount:${ns}:vitrine-operator`];
    assert.equal(kubectl(['auth', 'can-i', 'patch', 'deployments', '-n', ns, ...as]).stdout.trim(), 'yes');
    assert.equal(kubectl(['auth', 'can-i', 'list', 'secrets', '-n', ns, ...as]).stdout.trim(), 'no');
    assert.equal(kubectl(['auth', 'can-i', 'delete', 'namespaces', ...as]).stdout.trim(), 'no');
    assert.equal(kubectl(['auth', 'can-i', 'create', 'pods', '-n', ns, ...as]).stdout.trim(), 'no');
  });

  it('kubectl delete removes the children', async () => {
    assert.equal(kubectl(['delete', 'shopservice', 'orders', '-n', ns]).status, 0);
    await waitFor('children of orders deleted', async () => !(await Promise.all(CHILDREN.map((rt) => exists(rt, 'orders')))).some(Boolean));
  });
});
