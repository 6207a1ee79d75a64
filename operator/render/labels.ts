/**
 * Labels shared by the rendered children (Kubernetes recommended labels). The gateway's pods
 * carry `app.kubernetes.io/component: gateway`; the NetworkPolicies of ShopServices admit them.
 */

/** Recommended labels of a ShopService's objects; the pod selector uses `name` and `instance`. */
export function serviceLabels(name: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'vitrine',
  };
}

/** The pod selector of a ShopService (immutable once the Deployment exists: keep it small). */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
}

/** The label selector string of `selectorLabels`, for the scale subresource's status.selector. */
export function selectorString(name: string): string {
  return Object.entries(selectorLabels(name))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Label cdk8s-plus adds to tie pods to constructs; removed because our selectors are explicit. */
export const CDK8S_ADDR_LABEL = 'cdk8s.io/metadata.addr';
