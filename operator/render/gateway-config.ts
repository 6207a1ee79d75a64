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

/** One route as the gateway reads it. */
export interface GatewayRouteConfig {
  readonly host?: string;
  readonly pathPrefix: string;
  readonly service: string;
  /** In-cluster URL of the ShopService's Service. */
  readonly upstream: string;
  readonly stripPrefix: boolean;
}

/** The file the gateway reads. */
export interface GatewayConfig {
  readonly hosts: readonly string[];
  readonly routes: readonly GatewayRouteConfig[];
  readonly redirects: readonly { host?: string; path: string; to: string; code: number }[];
  /** Absent when the spec has no WAF or it is disabled. */
  readonly waf?: Record<string, unknown>;
}

/** Ports of the namespace's ShopServices by name (the route's upstream port); unknown ones get the default. */
export type ServicePorts = ReadonlyMap<string, number>;

/** Builds the gateway configuration from the spec. */
export function gatewayConfig(owner: GatewayOwner, spec: ShopGatewaySpec, ports: ServicePorts = new Map()): GatewayConfig {
  const routes = (spec.routes ?? []).map((r) => ({
    ...(r.host ? { host: r.host } : {}),
    pathPrefix: r.pathPrefix,
    service: r.service,
    upstream: `http://${r.service}.${owner.namespace}.svc:${ports.get(r.service) ?? SHOP_SERVICE_DEFAULTS.port}`,
    stripPrefix: r.stripPrefix ?? false,
  }));
  const redirects = (spec.redirects ?? []).map((r) => ({ ...(r.host ? { host: r.host } : {}), path: r.path, to: r.to, code: r.code ?? SHOP_GATEWAY_DEFAULTS.redirectCode }));
  const waf = spec.waf;
  const wafOn = waf !== undefined && (waf.enabled ?? SHOP_GATEWAY_DEFAULTS.wafEnabled);
  return {
    hosts: [...spec.hosts],
    routes,
    redirects,
    ...(wafOn
      ? {
          waf: {
            mode: (waf.mode ?? SHOP_GATEWAY_DEFAULTS.wafMode) === 'Block' ? 'block' : 'detect',
            ...(waf.allowedMethods ? { allowedMethods: [...waf.allowedMethods] } : {}),
            ...(waf.maxBodyBytes ? { maxBodyBytes: waf.maxBodyBytes } : {}),
            ...(waf.countries?.allow ? { countryAllow: [...waf.countries.allow] } : {}),
            ...(waf.countries?.deny ? { countryDeny: [...waf.countries.deny] } : {}),
            ownHosts: [...spec.hosts],
          },
        }
      : {}),
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
