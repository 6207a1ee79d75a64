/**
 * Renders children in memory with cdk8s (no files written): `renderShopService` returns the
 * objects the ShopService controller applies.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { App } from 'cdk8s';
import { CDK8S_ADDR_LABEL } from './labels.ts';
import { ShopServiceChart, containerResources, type ShopServiceChartProps } from './shop-service-chart.ts';

export { scalingMode, type ScalingMode, type ShopServiceChartProps } from './shop-service-chart.ts';
export { selectorLabels, selectorString, serviceLabels } from './labels.ts';

/** Removes cdk8s bookkeeping (the construct-address label) from rendered objects. */
export function stripCdk8sLabels(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripCdk8sLabels);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === CDK8S_ADDR_LABEL) continue;
      out[k] = stripCdk8sLabels(v);
    }
    return out;
  }
  return value;
}

/** The children of one ShopService, ready for server-side apply (owner references not set yet). */
export function renderShopService(props: ShopServiceChartProps): KubernetesObject[] {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new ShopServiceChart(app, props.name, props);
  const objects = stripCdk8sLabels(chart.toJson()) as (KubernetesObject & { spec?: Record<string, unknown> })[];
  for (const obj of objects) {
    if (obj.kind !== 'Deployment') continue;
    const pod = (obj.spec?.template as { spec: { containers: Record<string, unknown>[] } }).spec;
    const resources = containerResources(props.spec);
    for (const c of pod.containers) {
      if (Object.keys(resources).length) c.resources = resources;
      else delete c.resources;
    }
  }
  return objects;
}
