/**
 * Shared setup of the operator suites: the CRDs from crds/ (missing files fail, as in envtest),
 * unique namespaces, a ServiceAccount bound to the operator's ClusterRole (the operator never
 * runs as admin in these tests), and the operator as a real child process that can be killed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import { OPERATOR_RULES } from '../../../operator/rbac.ts';
import { KubeClient, RESOURCES, loadKubeConfig, type ResourceType } from '../../../operator/runtime/index.ts';
import { kubeconfigPath } from '../../support/engines.ts';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const CRD_TYPE: ResourceType = RESOURCES.crds;

/** An admin client of the test kube-apiserver. */
export function adminClient(): KubeClient {
  return new KubeClient(loadKubeConfig(kubeconfigPath()), { qps: 500, burst: 1000 });
}

/** A short random suffix for unique names. */
export function suffix(): string {
  return randomBytes(3).toString('hex');
}

/** Server-side applies crds/*.yaml and waits until each is Established. */
export async function installCrds(admin: KubeClient): Promise<void> {
  const dir = join(ROOT, 'crds');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  if (files.length < 3) throw new Error(`crds/ holds ${files.length} CRD files; run npx tsx scripts/gen-crds.ts`);
  for (const f of files) {
    const crd = parse(readFileSync(join(dir, f), 'utf8')) as KubernetesObject;
    await admin.apply(CRD_TYPE, crd);
  }
  await waitFor('CRDs established', async () => {
    for (const f of files) {
      const name = (parse(readFileSync(join(dir, f), 'utf8')) as KubernetesObject).metadata?.name ?? '';
      const crd = await admin.get<KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } }>(CRD_TYPE, undefined, name);
      if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
    }
    return true;
  });
}

/** Creates a namespace with a unique name. */
export async function createNamespace(admin: KubeClient, prefix: string): Promise<string> {
  const name = `${prefix}-${suffix()}`;
  await admin.create({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/**
 * Deletes a namespace's Vitrine objects and then the namespace. (The test API server has no
 * namespace controller, so the namespace itself stays Terminating; its name is never reused.)
 */
export async function deleteNamespace(admin: KubeClient, ns: string): Promise<void> {
  for (const rt of [RESOURCES.shopServices, RESOURCES.shopGateways, RESOURCES.shopPlatforms]) {
    const list = await admin.list(rt, ns);
    for (const o of list.items) {
      if (o.metadata?.finalizers?.length) await admin.mergePatch(rt, ns, o.metadata.name ?? '', { metadata: { finalizers: null } });
      await admin.delete(rt, ns, o.metadata?.name ?? '');
    }
  }
  // Children too (the operator may be stopped before it deletes them): the shared API server has
  // only 256 ClusterIPs, so leaked Services would starve other suites.
  const children = [RESOURCES.deployments, RESOURCES.services, RESOURCES.serviceAccounts, RESOURCES.configMaps, RESOURCES.hpas, RESOURCES.pdbs, RESOURCES.networkPolicies];
  for (const rt of children) {
    const path = `${rt.group ? `/apis/${rt.group}` : '/api'}/${rt.version}/namespaces/${ns}/${rt.plural}`;
    await admin.request('DELETE', path, { query: { labelSelector: 'app.kubernetes.io/managed-by=vitrine-operator' } }).catch(() => undefined);
  }
  await admin.delete({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false }, undefined, ns);
}

/**
 * A ServiceAccount in `ns` bound to a ClusterRole with exactly OPERATOR_RULES, and a kubeconfig
 * file that authenticates with its token. Returns the file and a cleanup function.
 */
export async function operatorKubeconfig(admin: KubeClient, ns: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const name = `vitrine-operator-${ns}`;
  await admin.create(RESOURCES.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vitrine-operator', namespace: ns } });
  const clusterRoles: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', kind: 'ClusterRole', namespaced: false };
  const bindings: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false };
  await admin.apply(clusterRoles, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: OPERATOR_RULES } as KubernetesObject);
  await admin.apply(bindings, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: 'vitrine-operator', namespace: ns }],
  } as KubernetesObject);
  const tr = await admin.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/vitrine-operator/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  const adminCfg = parse(readFileSync(kubeconfigPath(), 'utf8')) as { clusters: { cluster: Record<string, string> }[] };
  const cluster = adminCfg.clusters[0]?.cluster ?? {};
  const cfg = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: cluster.server, 'certificate-authority-data': cluster['certificate-authority-data'] } }],
    users: [{ name: 'operator', user: { token: tr.status.token } }],
    contexts: [{ name: 'operator', context: { cluster: 'test', user: 'operator', namespace: ns } }],
    'current-context': 'operator',
  };
  const path = join(mkdtempSync(join(tmpdir(), 'vitrine-op-')), 'kubeconfig');
  writeFileSync(path, JSON.stringify(cfg), { mode: 0o600 });
  return {
    path,
    cleanup: async () => {
      await admin.delete(bindings, undefined, name);
      await admin.delete(clusterRoles, undefined, name);
    },
  };
}

/** A running operator process. */
export interface OperatorProcess {
  readonly proc: ChildProcess;
  readonly identity: string;
  /** Resolves with the health port once the operator logged "operator started". */
  readonly started: Promise<number>;
  logs(): string;
  /** SIGKILL, no goodbye (the lease is not released). */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

/**
 * Starts `operator/main.ts` as a child process with the given environment; with `compiled`, the
 * `dist/operator/main.js` that `npm run build` emits (what the image runs) instead of tsx.
 */
export function startOperator(env: Record<string, string>, opts: { compiled?: boolean } = {}): OperatorProcess {
  const identity = env.OPERATOR_IDENTITY ?? `op-${suffix()}`;
  const args = opts.compiled ? [join(ROOT, 'dist/operator/main.js')] : ['--import', 'tsx', join(ROOT, 'operator/main.ts')];
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, HEALTH_PORT: '0', LOG_LEVEL: 'info', OPERATOR_IDENTITY: identity, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let resolveStarted: (port: number) => void = () => undefined;
  let rejectStarted: (err: Error) => void = () => undefined;
  const started = new Promise<number>((res, rej) => {
    resolveStarted = res;
    rejectStarted = rej;
  });
  started.catch(() => undefined);
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    const m = /"healthPort":(\d+),"msg":"operator started"/.exec(out);
    if (m) resolveStarted(Number(m[1]));
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  proc.once('exit', (code) => rejectStarted(new Error(`operator exited with ${code} before starting:\n${out.slice(-3000)}`)));
  return {
    proc,
    identity,
    started,
    logs: () => out,
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  let lastErr: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      if (await check()) return Date.now() - started;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
}

/** Runs kubectl against the admin kubeconfig; returns status, stdout and stderr. */
export function kubectl(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('kubectl', args, { input, encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfigPath() }, timeout: 30_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The YAML documents of the samples directory. */
export function samples(): KubernetesObject[] {
  const dir = join(ROOT, 'crds/samples');
  return readdirSync(dir).flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as KubernetesObject));
}

/** Sum of the operator's write requests from its /metrics (rest_client_requests_total). */
export async function operatorWrites(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^rest_client_requests_total\{([^}]*)\} (\d+)/.exec(line);
    if (m && /method="(POST|PUT|PATCH|DELETE)"/.test(m[1] ?? '')) sum += Number(m[2]);
  }
  return sum;
}
