/** Names, labels and ports shared by the gateway's child objects. */

/** The ShopGateway a child belongs to. */
export interface GatewayOwner {
  readonly name: string;
  readonly namespace: string;
}

/** Port the gateway container listens on. */
export const GATEWAY_PORT = 8080;
/** Where the gateway reads its configuration (the ConfigMap is mounted there). */
export const GATEWAY_CONFIG_DIR = '/etc/vitrine/gateway';
/** File name of the configuration inside the ConfigMap. */
export const GATEWAY_CONFIG_FILE = 'gateway.json';

/** Name of every child of a ShopGateway (Deployment, Service, HPA, PDB, ConfigMap). */
export function gatewayName(owner: GatewayOwner): string {
  return `${owner.name}-gateway`.slice(0, 63).replace(/-+$/, '');
}

/** Pod labels (also the Service selector). */
export function gatewayLabels(owner: GatewayOwner): Record<string, string> {
  return { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': owner.name, 'app.kubernetes.io/component': 'gateway' };
}
