/**
 * The cdk8s app synthesizes the operator install and the sample shop; the Helm chart's generated
 * files (CRDs, RBAC rules) are the same as their sources.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Testing } from 'cdk8s';
import { OperatorInstall } from '../../../cdk8s/operator-install.ts';
import { SampleShop, SHOP_SERVICES } from '../../../cdk8s/sample-shop.ts';
import { CHART_DIR, chartFiles } from '../../../cdk8s/gen-chart.ts';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> };

describe('cdk8s app', () => {
  it('renders the operator install: CRDs, least-privilege RBAC, a hardened Deployment, metrics Service and PDB', () => {
    const objs = Testing.synth(new OperatorInstall(Testing.app(), 'op')) as Obj[];
    const kinds = objs.map((o) => o.kind).sort();
    assert.deepEqual(kinds, [
      'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'CustomResourceDefinition', 'CustomResourceDefinition',
      'Deployment', 'Namespace', 'PodDisruptionBudget', 'Service', 'ServiceAccount',
    ]);
    const role = objs.find((o) => o.kind === 'ClusterRole') as unknown as { rules: { resources: string[]; verbs: string[] }[] };
    assert.ok(!role.rules.some((r) => r.resources.includes('*') || r.verbs.includes('*')), 'no wildcard rules');
    const dep = objs.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { replicas: number; template: { spec: { containers: { securityContext: Record<string, unknown>; env: { name: string; value?: string }[] }[] } } };
    };
    const c = dep.spec.template.spec.containers[0]!;
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.runAsNonRoot, true);
    assert.equal(c.env.find((e) => e.name === 'LEADER_ELECTION')?.value, 'true');
    assert.equal(dep.spec.replicas, 2);
    // Cluster-scoped objects carry no namespace.
    for (const o of objs.filter((x) => ['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Namespace'].includes(x.kind))) {
      assert.equal(o.metadata.namespace, undefined, `${o.kind} ${o.metadata.name} must not be namespaced`);
    }
  });

  it('refuses two replicas without leader election, naming the fields', () => {
    assert.throws(() => new OperatorInstall(Testing.app(), 'op', { replicas: 2, leaderElection: false }), /replicas=2 needs leaderElection=true/);
  });

  it('renders a sample shop: one platform, a ShopService per service but the gateway, one ShopGateway for both hosts', () => {
    const objs = Testing.synth(new SampleShop(Testing.app(), 'shop')) as Obj[];
    assert.equal(objs.filter((o) => o.kind === 'ShopPlatform').length, 1);
    const services = objs.filter((o) => o.kind === 'ShopService').map((o) => o.metadata.name).sort();
    assert.deepEqual(services, Object.keys(SHOP_SERVICES).filter((n) => n !== 'gateway').sort());
    const gw = objs.find((o) => o.kind === 'ShopGateway')!;
    assert.deepEqual(gw.spec?.hosts, ['empresa.com.br', 'rastreio.empresa.com.br']);
  });
});

describe('Helm chart', () => {
  it('carries the generated CRDs and RBAC rules unchanged (run `npx tsx cdk8s/gen-chart.ts` after changing them)', () => {
    for (const [rel, content] of chartFiles()) {
      const committed = readFileSync(path.join(CHART_DIR, rel), 'utf8');
      assert.equal(committed, content, `charts/vitrine-operator/${rel} differs from its source`);
    }
  });
});
