/**
 * The gateway's Service of type LoadBalancer. The OCI cloud controller manager reads its
 * annotations and creates the load balancer; the operator then finds that load balancer by the
 * address the cloud controller writes into the Service status.
 * https://github.com/oracle/oci-cloud-controller-manager/blob/master/docs/load-balancer-annotations.md
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { SHOP_GATEWAY_DEFAULTS, type ShopGatewaySpec } from '../api/v1alpha1/index.ts';
import { validateWafSpec } from '../oci/waf-policy.ts';
import { gatewayLabels, gatewayName, type GatewayOwner } from './gateway-names.ts';

/** The cloud-controller annotations the operator sets (and no others). */
export const OCI_LB_ANNOTATIONS = {
  lbType: 'oci.oraclecloud.com/load-balancer-type',
  shape: 'service.beta.kubernetes.io/oci-load-balancer-shape',
  flexMin: 'service.beta.kubernetes.io/oci-load-balancer-shape-flex-min',
  flexMax: 'service.beta.kubernetes.io/oci-load-balancer-shape-flex-max',
  backendProtocol: 'service.beta.kubernetes.io/oci-load-balancer-backend-protocol',
  internal: 'service.beta.kubernetes.io/oci-load-balancer-internal',
  subnet1: 'service.beta.kubernetes.io/oci-load-balancer-subnet1',
  subnet2: 'service.beta.kubernetes.io/oci-load-balancer-subnet2',
  nsgs: 'oci.oraclecloud.com/oci-network-security-groups',
  sslPorts: 'service.beta.kubernetes.io/oci-load-balancer-ssl-ports',
  tlsSecret: 'service.beta.kubernetes.io/oci-load-balancer-tls-secret',
} as const;

/** The network load balancer's own names for the same settings (NLB has one subnet, no shape, no TLS). */
export const OCI_NLB_ANNOTATIONS = {
  internal: 'oci-network-load-balancer.oraclecloud.com/internal',
  subnet: 'oci-network-load-balancer.oraclecloud.com/subnet',
  nsgs: 'oci-network-load-balancer.oraclecloud.com/oci-network-security-groups',
} as const;

/** The HTTPS port the load balancer terminates TLS on. */
export const HTTPS_PORT = 443;
const FLEX_MIN_MBPS = 10;
const FLEX_MAX_MBPS = 8000;

/**
 * The user's mistakes in a gateway spec, each naming the field. The CRD's CEL rules reject these
 * at apply already; checking again here keeps objects created before a CRD upgrade (or with the
 * validation off) from reaching the cloud controller half-valid.
 */
export function validateGatewaySpec(spec: ShopGatewaySpec): string[] {
  const errors: string[] = [];
  const lb = spec.loadBalancer ?? {};
  const min = lb.minBandwidthMbps ?? SHOP_GATEWAY_DEFAULTS.minBandwidthMbps;
  const max = lb.maxBandwidthMbps ?? SHOP_GATEWAY_DEFAULTS.maxBandwidthMbps;
  if (min < FLEX_MIN_MBPS || min > FLEX_MAX_MBPS) errors.push(`loadBalancer.minBandwidthMbps: ${min} is outside ${FLEX_MIN_MBPS}–${FLEX_MAX_MBPS}`);
  if (max < FLEX_MIN_MBPS || max > FLEX_MAX_MBPS) errors.push(`loadBalancer.maxBandwidthMbps: ${max} is outside ${FLEX_MIN_MBPS}–${FLEX_MAX_MBPS}`);
  if (max < min) errors.push(`loadBalancer.maxBandwidthMbps: ${max} is below minBandwidthMbps ${min}`);
  if ((lb.subnetIds?.length ?? 0) > 2) errors.push('loadBalancer.subnetIds: at most two subnets');
  if ((lb.type ?? SHOP_GATEWAY_DEFAULTS.lbType) === 'nlb') {
    if ((lb.subnetIds?.length ?? 0) > 1) errors.push('loadBalancer.subnetIds: a network load balancer takes one subnet');
    if (spec.tls) errors.push('tls: a network load balancer (type nlb) does not terminate TLS; use type lb');
  }
  const wafOn = spec.waf !== undefined && (spec.waf.enabled ?? SHOP_GATEWAY_DEFAULTS.wafEnabled);
  if (wafOn && (lb.type ?? SHOP_GATEWAY_DEFAULTS.lbType) !== 'lb') {
    errors.push('waf: an OCI WAF needs loadBalancer.type lb (an L7 load balancer with HTTP listeners), not nlb');
  }
  if (spec.waf) errors.push(...validateWafSpec(spec.waf));
  return errors;
}

/** The cloud-controller annotations for a spec (assumed valid). */
export function loadBalancerAnnotations(spec: ShopGatewaySpec): Record<string, string> {
  const lb = spec.loadBalancer ?? {};
  const type = lb.type ?? SHOP_GATEWAY_DEFAULTS.lbType;
  const a = OCI_LB_ANNOTATIONS;
  const out: Record<string, string> = { [a.lbType]: type };
  const internal = lb.internal ?? SHOP_GATEWAY_DEFAULTS.internal;
  if (type === 'nlb') {
    const n = OCI_NLB_ANNOTATIONS;
    if (internal) out[n.internal] = 'true';
    if (lb.subnetIds?.[0]) out[n.subnet] = lb.subnetIds[0];
    if (lb.nsgIds && lb.nsgIds.length > 0) out[n.nsgs] = lb.nsgIds.join(',');
    return out;
  }
  out[a.shape] = lb.shape ?? SHOP_GATEWAY_DEFAULTS.shape;
  out[a.flexMin] = String(lb.minBandwidthMbps ?? SHOP_GATEWAY_DEFAULTS.minBandwidthMbps);
  out[a.flexMax] = String(lb.maxBandwidthMbps ?? SHOP_GATEWAY_DEFAULTS.maxBandwidthMbps);
  out[a.backendProtocol] = 'HTTP';
  if (internal) out[a.internal] = 'true';
  if (lb.subnetIds?.[0]) out[a.subnet1] = lb.subnetIds[0];
  if (lb.subnetIds?.[1]) out[a.subnet2] = lb.subnetIds[1];
  if (lb.nsgIds && lb.nsgIds.length > 0) out[a.nsgs] = lb.nsgIds.join(',');
  if (spec.tls) {
    out[a.sslPorts] = String(HTTPS_PORT);
    out[a.tlsSecret] = spec.tls.secretName;
  }
  return out;
}

/** The Service of type LoadBalancer in front of the gateway pods. */
export function renderGatewayService(owner: GatewayOwner, spec: ShopGatewaySpec): V1Service {
  const ports: V1ServicePort[] = [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }];
  // The load balancer terminates TLS and speaks HTTP to the pods (backend protocol HTTP).
  if (spec.tls) ports.push({ name: 'https', port: HTTPS_PORT, targetPort: 'http', protocol: 'TCP' });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: gatewayName(owner), namespace: owner.namespace, labels: gatewayLabels(owner), annotations: loadBalancerAnnotations(spec) },
    spec: {
      type: 'LoadBalancer',
      selector: gatewayLabels(owner),
      ports,
      externalTrafficPolicy: 'Local',
    },
  };
}
