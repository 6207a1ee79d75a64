/**
 * The gateway's workload: Deployment (replicas owned by the HPA, never by the operator), an
 * autoscaling/v2 HPA with the seeds' behaviour (scale out after 2 minutes above target, scale in
 * after 5 quiet minutes) and a PodDisruptionBudget keeping one pod through node drains.
 */
import { createHash } from 'node:crypto';
import type { V1Deployment, V1PodDisruptionBudget, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { GATEWAY_CONFIG_DIR, GATEWAY_CONFIG_FILE, GATEWAY_PORT, gatewayLabels, gatewayName, type GatewayOwner } from './gateway-names.ts';

/** Settings of the gateway workload that do not come from the ShopGateway spec. */
export interface GatewayWorkloadOptions {
  /** The one Vitrine image (the command picks the service). */
  readonly image: string;
  /** @default 2 */
  readonly minReplicas?: number;
  /** @default 10 */
  readonly maxReplicas?: number;
  /** @default 70 */
  readonly targetCpuPercent?: number;
}

/** Annotation on the pod template: a config change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = 'vitrine.dev/config-hash';

/** The gateway Deployment; `configJson` is the ConfigMap's content (hashed into the template). */
export function renderGatewayDeployment(owner: GatewayOwner, opts: GatewayWorkloadOptions, configJson: string): V1Deployment {
  const labels = gatewayLabels(owner);
  const name = gatewayName(owner);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: owner.namespace, labels },
    spec: {
      // No `replicas`: the HPA owns it (server-side apply would otherwise fight the autoscaler).
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: createHash('sha256').update(configJson).digest('hex').slice(0, 16) } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'gateway',
            image: opts.image,
            args: ['gateway'],
            ports: [{ name: 'http', containerPort: GATEWAY_PORT, protocol: 'TCP' }],
            env: [
              { name: 'PORT', value: String(GATEWAY_PORT) },
              { name: 'GATEWAY_CONFIG', value: `${GATEWAY_CONFIG_DIR}/${GATEWAY_CONFIG_FILE}` },
            ],
            readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            volumeMounts: [{ name: 'config', mountPath: GATEWAY_CONFIG_DIR, readOnly: true }],
          }],
          volumes: [{ name: 'config', configMap: { name } }],
        },
      },
    },
  };
}

/** The HPA scaling the gateway on CPU. */
export function renderGatewayHpa(owner: GatewayOwner, opts: GatewayWorkloadOptions): V2HorizontalPodAutoscaler {
  const name = gatewayName(owner);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: owner.namespace, labels: gatewayLabels(owner) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: opts.minReplicas ?? 2,
      maxReplicas: opts.maxReplicas ?? 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: opts.targetCpuPercent ?? 70 } } }],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 120, policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }] },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
      },
    },
  };
}

/** The PodDisruptionBudget: one gateway pod stays through voluntary disruptions. */
export function renderGatewayPdb(owner: GatewayOwner): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: gatewayName(owner), namespace: owner.namespace, labels: gatewayLabels(owner) },
    spec: { minAvailable: 1, selector: { matchLabels: gatewayLabels(owner) } },
  };
}
