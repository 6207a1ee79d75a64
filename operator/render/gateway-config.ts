/**
 * The gateway's ConfigMap: hosts, routes to ShopServices, redirects and the in-process WAF policy,
 * as one JSON file the gateway reads at start (services/gateway). The WAF part uses the gateway's
 * own policy shape (services/gateway/waf/policy.ts); the OCI WAF in front of the load balancer gets
 * the same intent through operator/oci/waf-policy.ts, so a request is judged twice, at the edge
 * and in the pod.
 */
import type { V1ConfigMap } from '@kubernetes/client-node';
import { SHOP_GATEWAY_DEFAULTS, SHOP_SERVICE_DEFAULTS, type ShopGatewaySpec } from '../api/v1alpha1/index.ts';
import { GATEWAY_CONFIG_FILE, gatewayLabels, gatewayName, type GatewayOwner } from './gateway-names.ts';

/** One route as the gateway reads it (services/gateway/config/schema.ts). */
export interface GatewayRouteConfig {
  readonly host?: string;
  readonly pathPrefix: string;
  /** Key into `upstreams`. */
  readonly service: string;
  readonly stripPrefix: boolean;
}

/** The file the gateway reads: the input shape of services/gateway/config/schema.ts. */
export interface GatewayConfig {
  readonly hosts: readonly string[];
  /** In-cluster origin of each routed ShopService's Service. */
  readonly upstreams: Readonly<Record<string, { readonly url: string }>>;
  readonly routes: readonly GatewayRouteConfig[];
  readonly redirects: readonly { host?: string; path: string; to: string; code: number }[];
  /** `{ enabled: false }` only when the spec switches the WAF off. */
  readonly waf: Record<string, unknown>;
}

/** Ports of the namespace's ShopServices by name (the route's upstream port); unknown ones get the default. */
export type ServicePorts = ReadonlyMap<string, number>;

/** Builds the gateway configuration from the spec. */
export function gatewayConfig(owner: GatewayOwner, spec: ShopGatewaySpec, ports: ServicePorts = new Map()): GatewayConfig {
  const routes = (spec.routes ?? []).map((r) => ({
    ...(r.host ? { host: r.host } : {}),
    pathPrefix: r.pathPrefix,
    service: r.service,
    stripPrefix: r.stripPrefix ?? false,
  }));
  const upstreams = Object.fromEntries([...new Set(routes.map((r) => r.service))].sort().map((name) => [
    name, { url: `http://${name}.${owner.namespace}.svc:${ports.get(name) ?? SHOP_SERVICE_DEFAULTS.port}` },
  ]));
  const redirects = (spec.redirects ?? []).map((r) => ({ ...(r.host ? { host: r.host } : {}), path: r.path, to: r.to, code: r.code ?? SHOP_GATEWAY_DEFAULTS.redirectCode }));
  // The in-pod WAF is on unless switched off explicitly: without a `waf` block there is no OCI WAF,
  // and the pods keep the gateway's own defaults rather than no protection at all.
  const waf = spec.waf ?? {};
  const wafOn = waf.enabled ?? SHOP_GATEWAY_DEFAULTS.wafEnabled;
  return {
    hosts: [...spec.hosts],
    upstreams,
    routes,
    redirects,
    waf: wafOn
      ? {
          enabled: true,
          mode: (waf.mode ?? SHOP_GATEWAY_DEFAULTS.wafMode) === 'Block' ? 'block' : 'detect',
          ...(waf.allowedMethods ? { allowedMethods: [...waf.allowedMethods] } : {}),
          ...(waf.maxBodyBytes ? { maxBodyBytes: waf.maxBodyBytes } : {}),
          ...(waf.countries?.allow ? { countryAllow: [...waf.countries.allow] } : {}),
          ...(waf.countries?.deny ? { countryDeny: [...waf.countries.deny] } : {}),
          ownHosts: [...spec.hosts],
        }
      : { enabled: false },
  };
}

/** The ConfigMap holding `gateway.json`. */
export function renderGatewayConfigMap(owner: GatewayOwner, config: GatewayConfig): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: gatewayName(owner), namespace: owner.namespace, labels: gatewayLabels(owner) },
    data: { [GATEWAY_CONFIG_FILE]: `${JSON.stringify(config, null, 2)}\n` },
  };
}
