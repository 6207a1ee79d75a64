/**
 * The operator install as one cdk8s chart: CRDs (from crds/), least-privilege RBAC (from
 * operator/rbac.ts), the operator Deployment, its metrics Service and a PodDisruptionBudget.
 * The Helm chart in charts/vitrine-operator renders the same objects (held equal by a test).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiObject, Chart, Include, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { operatorRbac } from '../operator/rbac.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The CRD files the install carries, in apply order. */
export const CRD_FILES = ['vitrine.dev_shopplatforms.yaml', 'vitrine.dev_shopservices.yaml', 'vitrine.dev_shopgateways.yaml'];
const HEALTH_PORT = 8081;

/** Props of {@link OperatorInstall}. */
export interface OperatorInstallProps {
  /** Namespace of the operator. @default 'vitrine-system' */
  readonly namespace?: string;
  /** Operator image. @default 'ghcr.io/vitrine/vitrine:0.1.0' */
  readonly image?: string;
  /** Replicas; more than one needs leader election. @default 2 */
  readonly replicas?: number;
  /** Lease leader election. @default true */
  readonly leaderElection?: boolean;
  /** Watch one namespace only; all when absent. */
  readonly watchNamespace?: string;
  /** CPU and memory requests/limits. @default 100m/128Mi requests, 500m/256Mi limits */
  readonly resources?: { readonly cpuRequestMillis: number; readonly cpuLimitMillis: number; readonly memoryRequestMiB: number; readonly memoryLimitMiB: number };
  /** Include the CRDs. @default true */
  readonly includeCrds?: boolean;
}

/** The operator install. */
export class OperatorInstall extends Chart {
  constructor(scope: Construct, id: string, props: OperatorInstallProps = {}) {
    const namespace = props.namespace ?? 'vitrine-system';
    // No chart-wide namespace: CRDs, the ClusterRole and its binding are cluster-scoped.
    super(scope, id, { disableResourceNameHashes: true });
    const image = props.image ?? 'ghcr.io/vitrine/vitrine:0.1.0';
    const replicas = props.replicas ?? 2;
    const leaderElection = props.leaderElection ?? true;
    if (replicas > 1 && !leaderElection) {
      throw new Error(`replicas=${replicas} needs leaderElection=true: two active operators would fight over every object`);
    }
    const res = props.resources ?? { cpuRequestMillis: 100, cpuLimitMillis: 500, memoryRequestMiB: 128, memoryLimitMiB: 256 };
    const labels = { 'app.kubernetes.io/name': 'vitrine-operator', 'app.kubernetes.io/part-of': 'vitrine' };

    if (props.includeCrds ?? true) {
      for (const file of CRD_FILES) new Include(this, file, { url: path.join(REPO_ROOT, 'crds', file) });
    }
    new ApiObject(this, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } });
    for (const obj of operatorRbac({ namespace })) {
      const { apiVersion, kind, metadata, ...rest } = obj as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };
      new ApiObject(this, `rbac-${kind}`, { apiVersion, kind, metadata, ...rest });
    }
    const env: Record<string, kplus.EnvValue> = {
      LEADER_ELECTION: kplus.EnvValue.fromValue(String(leaderElection)),
      LEADER_ELECTION_NAMESPACE: kplus.EnvValue.fromValue(namespace),
      HEALTH_PORT: kplus.EnvValue.fromValue(String(HEALTH_PORT)),
      OPERATOR_IDENTITY: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
    };
    if (props.watchNamespace) env.WATCH_NAMESPACE = kplus.EnvValue.fromValue(props.watchNamespace);

    const deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: 'vitrine-operator', namespace, labels },
      replicas,
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(this, 'sa', 'vitrine-operator'),
      automountServiceAccountToken: true,
      securityContext: { ensureNonRoot: true, user: 1000, group: 1000 },
      podMetadata: { labels },
      select: false,
      containers: [{
        name: 'operator',
        image,
        args: ['operator'],
        portNumber: HEALTH_PORT,
        envVariables: env,
        securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, user: 1000, group: 1000 },
        resources: {
          cpu: { request: kplus.Cpu.millis(res.cpuRequestMillis), limit: kplus.Cpu.millis(res.cpuLimitMillis) },
          memory: { request: Size.mebibytes(res.memoryRequestMiB), limit: Size.mebibytes(res.memoryLimitMiB) },
        },
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: HEALTH_PORT }),
        readiness: kplus.Probe.fromHttpGet('/readyz', { port: HEALTH_PORT }),
      }],
    });
    deployment.select(kplus.LabelSelector.of({ labels: { 'app.kubernetes.io/name': 'vitrine-operator' } }));

    new ApiObject(this, 'metrics', {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'vitrine-operator-metrics', namespace, labels },
      spec: { selector: { 'app.kubernetes.io/name': 'vitrine-operator' }, ports: [{ name: 'metrics', port: HEALTH_PORT, targetPort: HEALTH_PORT }] },
    });
    new ApiObject(this, 'pdb', {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
      metadata: { name: 'vitrine-operator', namespace, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'vitrine-operator' } } },
    });
  }
}
