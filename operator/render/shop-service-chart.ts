/**
 * The children of one ShopService as a cdk8s chart built with cdk8s-plus-28: ServiceAccount,
 * ConfigMap, Deployment, Service, NetworkPolicy, and (as asked) HPA or KEDA ScaledObject and
 * PodDisruptionBudget. Rendered in memory; the controller applies the result.
 */
import { ApiObject, Chart, Duration, type App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { ShopPlatformSpec, ShopServiceSpec } from '../api/v1alpha1/index.ts';
import { SHOP_SERVICE_DEFAULTS as D } from '../api/v1alpha1/index.ts';
import { selectorLabels, serviceLabels } from './labels.ts';

/** Inputs of the chart. */
export interface ShopServiceChartProps {
  readonly name: string;
  readonly namespace: string;
  readonly spec: ShopServiceSpec;
  /** The namespace's ShopPlatform spec, for Kafka and secrets; absent when there is none. */
  readonly platform?: ShopPlatformSpec;
  /** True when the API server serves keda.sh ScaledObjects. @default false */
  readonly kedaAvailable?: boolean;
}

/** How the replica count is owned, which the controller reports as conditions. */
export type ScalingMode = 'manual' | 'hpa' | 'keda' | 'hpa-without-keda';

/** Scaling mode of a spec. */
export function scalingMode(spec: ShopServiceSpec, kedaAvailable: boolean): ScalingMode {
  if (!spec.autoscaling) return 'manual';
  if (!spec.autoscaling.kafkaLag) return 'hpa';
  return kedaAvailable ? 'keda' : 'hpa-without-keda';
}

/**
 * The container resources exactly as the spec says (cdk8s-plus would add its own defaults and
 * only takes typed quantities, so they are set on the rendered JSON instead).
 */
export function containerResources(spec: ShopServiceSpec): Record<string, Record<string, string>> {
  const requests = quantities(spec.resources?.requests);
  const limits = quantities(spec.resources?.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function quantities(list: { cpu?: string | number; memory?: string | number } | undefined): Record<string, string> | undefined {
  if (!list) return undefined;
  const out: Record<string, string> = {};
  if (list.cpu !== undefined) out.cpu = String(list.cpu);
  if (list.memory !== undefined) out.memory = String(list.memory);
  return Object.keys(out).length ? out : undefined;
}

/** The chart of one ShopService. */
export class ShopServiceChart extends Chart {
  constructor(scope: App, id: string, props: ShopServiceChartProps) {
    const { name, namespace, spec, platform } = props;
    const labels = serviceLabels(name, spec.component);
    super(scope, id, { namespace, labels, disableResourceNameHashes: true });
    const port = spec.port ?? D.port;
    const mode = scalingMode(spec, props.kedaAvailable ?? false);

    const sa = new kplus.ServiceAccount(this, 'service-account', { metadata: { name }, automountToken: false });

    const config = new kplus.ConfigMap(this, 'config', {
      metadata: { name },
      data: {
        ...(platform?.serviceDefaults?.env ?? {}),
        VITRINE_SERVICE: spec.component,
        PORT: String(port),
        ...(platform ? { KAFKA_BROKERS: platform.kafka.bootstrapServers.join(',') } : {}),
        ...(spec.config ?? {}),
      },
    });

    const env: Record<string, kplus.EnvValue> = {};
    if (platform?.postgres) env.DATABASE_URL = secretEnv(this, 'pg', platform.postgres.secretRef.name, platform.postgres.secretRef.key ?? 'DATABASE_URL');
    if (platform?.redis) env.REDIS_URL = secretEnv(this, 'redis', platform.redis.secretRef.name, platform.redis.secretRef.key ?? 'REDIS_URL');
    for (const e of spec.env ?? []) {
      env[e.name] = e.secretKeyRef ? secretEnv(this, `env-${e.name}`, e.secretKeyRef.name, e.secretKeyRef.key) : kplus.EnvValue.fromValue(e.value ?? '');
    }

    const deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name },
      // While an HPA (or KEDA's) owns the count, the Deployment's replicas field is left alone.
      replicas: mode === 'manual' ? (spec.replicas ?? D.replicas) : undefined,
      serviceAccount: sa,
      automountServiceAccountToken: false,
      select: false,
      podMetadata: { labels },
      containers: [
        {
          name: 'app',
          image: spec.image,
          imagePullPolicy: (platform?.serviceDefaults?.imagePullPolicy as kplus.ImagePullPolicy | undefined) ?? kplus.ImagePullPolicy.IF_NOT_PRESENT,
          args: [spec.component],
          portNumber: port,
          envFrom: [kplus.Env.fromConfigMap(config)],
          envVariables: env,
          securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, user: 10001, group: 10001 },
          readiness: kplus.Probe.fromHttpGet('/readyz', { port }),
          liveness: kplus.Probe.fromHttpGet('/healthz', { port }),
        },
      ],
    });
    deployment.select(kplus.LabelSelector.of({ labels: selectorLabels(name) }));

    const service = new kplus.Service(this, 'service', {
      metadata: { name },
      ports: [{ name: 'http', port: 80, targetPort: port }],
    });
    for (const [k, v] of Object.entries(selectorLabels(name))) service.selectLabel(k, v);

    const policy = new kplus.NetworkPolicy(this, 'network-policy', {
      metadata: { name },
      selector: kplus.Pods.select(this, 'self', { labels: selectorLabels(name) }),
    });
    const http = [kplus.NetworkPolicyPort.tcp(port)];
    policy.addIngressRule(kplus.Pods.select(this, 'gateway', { labels: { 'app.kubernetes.io/component': 'gateway', 'app.kubernetes.io/part-of': 'vitrine' } }), http);
    for (const peer of spec.peers ?? []) {
      policy.addIngressRule(kplus.Pods.select(this, `peer-${peer}`, { labels: { 'app.kubernetes.io/name': peer } }), http);
    }
    // Metrics scraping: Prometheus pods in any namespace.
    policy.addIngressRule(
      kplus.Pods.select(this, 'prometheus', { labels: { 'app.kubernetes.io/name': 'prometheus' }, namespaces: kplus.Namespaces.all(this, 'all-namespaces') }),
      http,
    );

    const a = spec.autoscaling;
    if (a && (mode === 'hpa' || mode === 'hpa-without-keda')) {
      new kplus.HorizontalPodAutoscaler(this, 'hpa', {
        metadata: { name },
        target: deployment,
        minReplicas: a.minReplicas ?? D.minReplicas,
        maxReplicas: a.maxReplicas ?? D.maxReplicas,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(a.targetCPUUtilizationPercentage ?? D.targetCPUUtilizationPercentage))],
        scaleUp: { stabilizationWindow: Duration.seconds(a.scaleUpStabilizationSeconds ?? D.scaleUpStabilizationSeconds) },
        scaleDown: { stabilizationWindow: Duration.seconds(a.scaleDownStabilizationSeconds ?? D.scaleDownStabilizationSeconds) },
      });
    }
    if (a?.kafkaLag && mode === 'keda') {
      new ApiObject(this, 'scaled-object', {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name },
        spec: {
          scaleTargetRef: { name },
          minReplicaCount: a.minReplicas ?? D.minReplicas,
          maxReplicaCount: a.maxReplicas ?? D.maxReplicas,
          advanced: {
            horizontalPodAutoscalerConfig: {
              behavior: {
                scaleUp: { stabilizationWindowSeconds: a.scaleUpStabilizationSeconds ?? D.scaleUpStabilizationSeconds },
                scaleDown: { stabilizationWindowSeconds: a.scaleDownStabilizationSeconds ?? D.scaleDownStabilizationSeconds },
              },
            },
          },
          triggers: [
            { type: 'cpu', metricType: 'Utilization', metadata: { value: String(a.targetCPUUtilizationPercentage ?? D.targetCPUUtilizationPercentage) } },
            {
              type: 'kafka',
              metadata: {
                bootstrapServers: platform?.kafka.bootstrapServers.join(',') ?? '',
                consumerGroup: a.kafkaLag.consumerGroup,
                topic: a.kafkaLag.topic,
                lagThreshold: String(a.kafkaLag.lagThreshold ?? D.lagThreshold),
              },
            },
          ],
        },
      });
    }

    const budget = spec.disruptionBudget ?? (a && (a.minReplicas ?? D.minReplicas) >= 2 ? { maxUnavailable: 1 } : undefined);
    if (budget) {
      new ApiObject(this, 'pdb', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name },
        spec: { ...budget, selector: { matchLabels: selectorLabels(name) } },
      });
    }
  }
}

function secretEnv(scope: Chart, id: string, secretName: string, key: string): kplus.EnvValue {
  return kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(scope, `secret-${id}`, secretName), key });
}
