/**
 * Operator benchmark (issue 7): 1,000 ShopServices from apply to reconciled (children applied and
 * status at the current generation) with the operator's peak RSS, then a 60-second idle window in
 * which a settled operator must make no writes.
 *
 * Baseline in the same run: a bare client server-side-applying the same 7,000 children and 1,000
 * status writes with the same concurrency and no operator — the API server's floor on this machine.
 * The operator runs as a child process with the least-privilege ServiceAccount, like in the tests.
 * It runs on a private kube-apiserver (bench/operator-cluster.ts: a /16 Service range; the shared
 * one has 256 ClusterIPs) started from the engines' binaries (`bash scripts/engines up` first).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderShopService } from '../operator/render/index.ts';
import { KubeClient, RESOURCES, loadKubeConfig, withOwnership, type ResourceType } from '../operator/runtime/index.ts';
import { startBenchCluster } from './operator-cluster.ts';
import type { BenchRow } from './types.ts';

const COUNT = Number(process.env.BENCH_OPERATOR_COUNT ?? 1000);
const IDLE_WINDOW_MS = Number(process.env.BENCH_OPERATOR_IDLE_MS ?? 60_000);
const CONCURRENCY = 32;
/**
 * V8 flags of the operator process, as its Deployment sets them: a bounded old space makes V8
 * collect before growing (the live set of 1,000 ShopServices and 7,000 cached children is far
 * below it); without it V8 lets the heap grow with the allocation rate.
 */
const OPERATOR_NODE_OPTIONS = process.env.BENCH_OPERATOR_NODE_OPTIONS ?? '--max-old-space-size=160 --max-semi-space-size=8';
/**
 * How the operator runs: `compiled` (default) builds with `npm run build` and runs
 * `dist/operator/main.js` under plain node, as the image does; `tsx` runs the TypeScript sources
 * through tsx, as the tests do (tsx's loader and source maps add memory the image does not have).
 */
const OPERATOR_RUNTIME = process.env.BENCH_OPERATOR_RUNTIME === 'tsx' ? 'tsx' : 'compiled';
const CHILD_TYPES: ResourceType[] = [
  RESOURCES.deployments,
  RESOURCES.services,
  RESOURCES.serviceAccounts,
  RESOURCES.configMaps,
  RESOURCES.hpas,
  RESOURCES.pdbs,
  RESOURCES.networkPolicies,
];

function loadEnginesEnv(): void {
  if (process.env.KUBECONFIG) return;
  const file = join(process.env.VITRINE_STATE ?? join(homedir(), '.cache/vitrine/state'), 'engines.env');
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined && !process.env[m[1]]) process.env[m[1]] = m[2];
  }
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

function spec(i: number): Record<string, unknown> {
  const components = ['catalog', 'cart', 'orders', 'inventory', 'payments', 'shipping', 'notifications', 'integrations', 'identity'];
  return {
    component: components[i % components.length],
    image: 'ghcr.io/vitrine/vitrine:0.1.0',
    resources: { requests: { cpu: '50m', memory: '64Mi' } },
    ...(i % 2 ? { autoscaling: { minReplicas: 2, maxReplicas: 4 } } : { replicas: 1 }),
  };
}

async function deleteAll(admin: KubeClient, ns: string): Promise<void> {
  for (const rt of [...CHILD_TYPES, RESOURCES.shopServices]) {
    const path = `${rt.group ? `/apis/${rt.group}` : '/api'}/${rt.version}/namespaces/${ns}/${rt.plural}`;
    await admin.request('DELETE', path).catch(() => undefined);
  }
  await admin.delete({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false }, undefined, ns);
}

/** The bare-client floor: the same children and status writes, applied directly. */
async function baseline(admin: KubeClient, ns: string): Promise<number> {
  const owners = Array.from({ length: COUNT }, (_, i) => ({
    apiVersion: 'vitrine.dev/v1alpha1',
    kind: 'ShopService',
    metadata: { name: `svc-${i}`, namespace: ns, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
    spec: spec(i),
  }));
  const started = performance.now();
  await pool(owners, CONCURRENCY, async (o) => {
    const children = renderShopService({ name: o.metadata.name, namespace: ns, spec: o.spec as never }).map((c) => withOwnership(c, o));
    await Promise.all(children.map((c) => admin.apply(CHILD_TYPES.find((t) => t.kind === c.kind) as ResourceType, c)));
    // One more write per service stands for the status write.
    await admin.apply(RESOURCES.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: o.metadata.name, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'vitrine-operator' } }, data: { status: 'x' } } as KubernetesObject);
  });
  return (performance.now() - started) / 1000;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Compiles operator/ and services/ to dist/ with the project's TypeScript (`npm run build`). */
function buildOperator(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
}

/** Runs the benchmark. */
export async function run(): Promise<BenchRow[]> {
  loadEnginesEnv();
  const cluster = await startBenchCluster();
  const sharedKubeconfig = process.env.KUBECONFIG;
  process.env.KUBECONFIG = cluster.kubeconfig;
  try {
    return await measure();
  } finally {
    process.env.KUBECONFIG = sharedKubeconfig;
    await cluster.stop();
  }
}

async function measure(): Promise<BenchRow[]> {
  // Test support is reused for the CRDs, namespaces, RBAC and the operator process.
  const support = await import('../test/integration/operator/support.ts');
  const admin = new KubeClient(loadKubeConfig(process.env.KUBECONFIG), { qps: 5000, burst: 5000 });
  await support.installCrds(admin);

  const baseNs = await support.createNamespace(admin, 'bench-base');
  const baseSeconds = await baseline(admin, baseNs);
  process.stderr.write(`bench operator: baseline ${baseSeconds.toFixed(1)} s\n`);
  // Free the baseline's objects so both runs start from the same store size.
  await deleteAll(admin, baseNs);

  const ns = await support.createNamespace(admin, 'bench-op');
  const kc = await support.operatorKubeconfig(admin, ns);
  if (OPERATOR_RUNTIME === 'compiled') buildOperator();
  const op = support.startOperator(
    { KUBECONFIG: kc.path, WATCH_NAMESPACE: ns, LEADER_ELECTION: 'false', CONTROLLERS: 'shopservice', NODE_OPTIONS: OPERATOR_NODE_OPTIONS },
    { compiled: OPERATOR_RUNTIME === 'compiled' },
  );
  try {
    const port = await op.started;
    const started = performance.now();
    await pool(
      Array.from({ length: COUNT }, (_, i) => i),
      CONCURRENCY,
      (i) =>
        admin.apply(RESOURCES.shopServices, {
          apiVersion: 'vitrine.dev/v1alpha1',
          kind: 'ShopService',
          metadata: { name: `svc-${i}`, namespace: ns },
          spec: spec(i),
        } as KubernetesObject),
    );
    const appliedSeconds = (performance.now() - started) / 1000;
    await support.waitFor(
      `${COUNT} ShopServices reconciled`,
      async () => {
        const list = await admin.list<KubernetesObject & { status?: { observedGeneration?: number } }>(RESOURCES.shopServices, ns);
        if (list.items.filter((s) => s.status?.observedGeneration === s.metadata?.generation).length < COUNT) return false;
        const deps = await admin.list(RESOURCES.deployments, ns, { limit: 1 });
        return deps.items.length > 0 && (await admin.list(RESOURCES.networkPolicies, ns)).items.length === COUNT && (await admin.list(RESOURCES.deployments, ns)).items.length === COUNT;
      },
      600_000,
    );
    const reconciledSeconds = (performance.now() - started) / 1000;
    const rssMb = peakRssMb(op.proc.pid as number);

    const writesBefore = await support.operatorWrites(port);
    await new Promise((r) => setTimeout(r, IDLE_WINDOW_MS));
    const idleWrites = (await support.operatorWrites(port)) - writesBefore;

    process.stderr.write(`bench operator: ${COUNT} applied in ${appliedSeconds.toFixed(1)} s, reconciled in ${reconciledSeconds.toFixed(1)} s, baseline ${baseSeconds.toFixed(1)} s, peak RSS ${rssMb.toFixed(0)} MB, idle writes ${idleWrites}\n`);
    return [
      {
        name: `${COUNT} ShopServices apply → reconciled (children + status at generation)`,
        value: reconciledSeconds,
        unit: 's',
        baseline: `bare client SSA of the same children + status: ${baseSeconds.toFixed(1)} s`,
        ratio: reconciledSeconds / baseSeconds,
        goal: '≤ 30 s',
      },
      { name: `operator peak RSS during that run (${OPERATOR_RUNTIME === 'compiled' ? 'dist/ under node' : 'tsx'}, NODE_OPTIONS ${OPERATOR_NODE_OPTIONS})`, value: rssMb, unit: 'MB', goal: '≤ 200 MB' },
      { name: `operator writes in a ${IDLE_WINDOW_MS / 1000} s idle window after settling`, value: idleWrites, unit: 'writes', goal: '0' },
    ];
  } finally {
    await op.stop();
    await kc.cleanup().catch(() => undefined);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
