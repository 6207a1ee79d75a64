/**
 * Descriptions of the API resources the operator reads and writes, and their REST paths.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

/** One API resource (group, version, plural) and its kind. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** `apiVersion` of a resource type ("v1" for the core group). */
export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** A stable key for a resource type, like `apps/v1/deployments`. */
export function resourceKey(rt: ResourceType): string {
  return `${rt.group || 'core'}/${rt.version}/${rt.plural}`;
}

/**
 * The REST path of a collection or an object: `/apis/apps/v1/namespaces/ns/deployments/name/status`.
 * Without a namespace, a namespaced resource's path lists across all namespaces.
 */
export function resourcePath(rt: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  let path = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
  if (rt.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${rt.plural}`;
  if (name) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

/** `namespace/name` (or `name` for cluster-scoped objects), the key of caches and queues. */
export function objectKey(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : `${obj.metadata?.name}`;
}

function rt(group: string, version: string, plural: string, kind: string, namespaced = true): ResourceType {
  return Object.freeze({ group, version, plural, kind, namespaced });
}

/** Built-in resources the operator uses. */
export const RESOURCES = Object.freeze({
  deployments: rt('apps', 'v1', 'deployments', 'Deployment'),
  services: rt('', 'v1', 'services', 'Service'),
  serviceAccounts: rt('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  configMaps: rt('', 'v1', 'configmaps', 'ConfigMap'),
  secrets: rt('', 'v1', 'secrets', 'Secret'),
  hpas: rt('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
  pdbs: rt('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  networkPolicies: rt('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
  events: rt('events.k8s.io', 'v1', 'events', 'Event'),
  leases: rt('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  crds: rt('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
  scaledObjects: rt('keda.sh', 'v1alpha1', 'scaledobjects', 'ScaledObject'),
  shopPlatforms: rt('vitrine.dev', 'v1alpha1', 'shopplatforms', 'ShopPlatform'),
  shopServices: rt('vitrine.dev', 'v1alpha1', 'shopservices', 'ShopService'),
  shopGateways: rt('vitrine.dev', 'v1alpha1', 'shopgateways', 'ShopGateway'),
});
