/**
 * Reading the OCI side: the policy and the firewall a ShopGateway owns (by the OCID in status, or
 * adopted by the owner tag when status lost it), the load balancer behind the Service's address,
 * and work request progress. Nothing here changes OCI.
 */
import type { models as lbModels } from 'oci-loadbalancer';
import type { models } from 'oci-waf';
import type { OciClients } from './clients.ts';
import { OciCallError } from './errors.ts';
import { OWNER_UID_TAG, type OciOwner } from './tags.ts';

/** What the operator needs to know about a WAF resource. */
export interface WafResourceView {
  readonly id: string;
  readonly lifecycleState: string;
  readonly freeformTags: Record<string, string>;
  /** ETag for If-Match; only from a GET. */
  readonly etag?: string;
  readonly webAppFirewallPolicyId?: string;
  readonly loadBalancerId?: string;
}

/** Progress of one OCI work request, as status shows it. */
export interface WorkRequestView {
  readonly id: string;
  readonly operation: string;
  readonly status: string;
  readonly percentComplete?: number;
}

/** Lifecycle states during which OCI refuses changes; the operator waits (by requeue). */
export const TRANSITIONAL_STATES: ReadonlySet<string> = new Set(['CREATING', 'UPDATING', 'DELETING']);

async function getOrUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof OciCallError && err.code === 'NotFound') return undefined;
    throw err;
  }
}

/** Gets the policy by OCID; undefined when OCI no longer has it (404 or DELETED). */
export async function getPolicy(oci: OciClients, id: string): Promise<WafResourceView | undefined> {
  const res = await getOrUndefined(() => oci.call('GetWebAppFirewallPolicy', () => oci.waf.getWebAppFirewallPolicy({ webAppFirewallPolicyId: id })));
  if (!res || res.webAppFirewallPolicy.lifecycleState === 'DELETED') return undefined;
  const p = res.webAppFirewallPolicy;
  return { id: p.id, lifecycleState: p.lifecycleState, freeformTags: p.freeformTags ?? {}, ...(res.etag ? { etag: res.etag } : {}) };
}

/** Gets the firewall by OCID; undefined when OCI no longer has it. */
export async function getFirewall(oci: OciClients, id: string): Promise<WafResourceView | undefined> {
  const res = await getOrUndefined(() => oci.call('GetWebAppFirewall', () => oci.waf.getWebAppFirewall({ webAppFirewallId: id })));
  if (!res || res.webAppFirewall.lifecycleState === 'DELETED') return undefined;
  const f = res.webAppFirewall as models.WebAppFirewallLoadBalancer;
  return {
    id: f.id, lifecycleState: f.lifecycleState, freeformTags: f.freeformTags ?? {}, webAppFirewallPolicyId: f.webAppFirewallPolicyId,
    ...(f.loadBalancerId ? { loadBalancerId: f.loadBalancerId } : {}), ...(res.etag ? { etag: res.etag } : {}),
  };
}

function pickOwned<T extends { id: string; lifecycleState: string; freeformTags?: Record<string, string>; timeCreated: Date }>(items: T[], owner: OciOwner): T | undefined {
  const owned = items.filter((i) => i.freeformTags?.[OWNER_UID_TAG] === owner.uid && i.lifecycleState !== 'DELETED');
  // Prefer a usable one over a FAILED leftover; among equals, the newest.
  owned.sort((a, b) => Number(a.lifecycleState === 'FAILED') - Number(b.lifecycleState === 'FAILED') || new Date(b.timeCreated).getTime() - new Date(a.timeCreated).getTime());
  return owned[0];
}

/** Finds an owned policy by tag (all pages of the compartment). */
export async function findOwnedPolicyId(oci: OciClients, compartmentId: string, owner: OciOwner): Promise<string | undefined> {
  const items: models.WebAppFirewallPolicySummary[] = [];
  let page: string | undefined;
  do {
    const res = await oci.call('ListWebAppFirewallPolicies', () => oci.waf.listWebAppFirewallPolicies({ compartmentId, ...(page ? { page } : {}) }));
    items.push(...res.webAppFirewallPolicyCollection.items);
    page = res.opcNextPage;
  } while (page);
  return pickOwned(items, owner)?.id;
}

/** Finds an owned firewall by tag (all pages of the compartment). */
export async function findOwnedFirewallId(oci: OciClients, compartmentId: string, owner: OciOwner): Promise<string | undefined> {
  const items: models.WebAppFirewallSummary[] = [];
  let page: string | undefined;
  do {
    const res = await oci.call('ListWebAppFirewalls', () => oci.waf.listWebAppFirewalls({ compartmentId, ...(page ? { page } : {}) }));
    items.push(...res.webAppFirewallCollection.items);
    page = res.opcNextPage;
  } while (page);
  return pickOwned(items, owner)?.id;
}

/** Resolves the owned policy: the OCID in status first, then adoption by tag. */
export async function resolvePolicy(oci: OciClients, compartmentId: string, owner: OciOwner, knownId?: string): Promise<WafResourceView | undefined> {
  const known = knownId ? await getPolicy(oci, knownId) : undefined;
  if (known) return known;
  const adopted = await findOwnedPolicyId(oci, compartmentId, owner);
  return adopted ? getPolicy(oci, adopted) : undefined;
}

/** Resolves the owned firewall: the OCID in status first, then adoption by tag. */
export async function resolveFirewall(oci: OciClients, compartmentId: string, owner: OciOwner, knownId?: string): Promise<WafResourceView | undefined> {
  const known = knownId ? await getFirewall(oci, knownId) : undefined;
  if (known) return known;
  const adopted = await findOwnedFirewallId(oci, compartmentId, owner);
  return adopted ? getFirewall(oci, adopted) : undefined;
}

/**
 * The load balancer the OCI cloud controller created for the Service, found by the address the
 * Service's status shows. Undefined while the cloud controller has not created it yet.
 */
export async function findLoadBalancerByIp(oci: OciClients, compartmentId: string, address: string): Promise<lbModels.LoadBalancer | undefined> {
  let page: string | undefined;
  do {
    const res = await oci.call('ListLoadBalancers', () => oci.loadBalancer.listLoadBalancers({ compartmentId, ...(page ? { page } : {}) }));
    const hit = res.items.find((lb) => lb.lifecycleState !== 'DELETED' && (lb.ipAddresses ?? []).some((ip) => ip.ipAddress === address));
    if (hit) return hit;
    page = res.opcNextPage;
  } while (page);
  return undefined;
}

/** Throws the user-facing error when a load balancer cannot carry a WAF (no HTTP listener). */
export function assertLayer7(lb: lbModels.LoadBalancer): void {
  const protocols = Object.values(lb.listeners ?? {}).map((l) => l.protocol.toUpperCase());
  if (!protocols.some((p) => p === 'HTTP' || p === 'HTTP2')) {
    throw new OciCallError('LoadBalancerNotL7', `load balancer ${lb.id} has no HTTP listener (listeners: ${protocols.join(', ') || 'none'}); an OCI WAF needs an L7 load balancer with HTTP listeners`);
  }
}

/** Reads a work request's progress; the failure message when it failed. */
export async function readWorkRequest(oci: OciClients, id: string, operation: string): Promise<WorkRequestView & { error?: string }> {
  const res = await getOrUndefined(() => oci.call('GetWorkRequest', () => oci.waf.getWorkRequest({ workRequestId: id })));
  if (!res) return { id, operation, status: 'UNKNOWN' };
  const wr = res.workRequest;
  const view = { id, operation, status: wr.status, percentComplete: wr.percentComplete };
  if (wr.status !== 'FAILED') return view;
  const errors = await oci.call('ListWorkRequestErrors', () => oci.waf.listWorkRequestErrors({ workRequestId: id }));
  const message = errors.workRequestErrorCollection.items.map((e) => `${e.code}: ${e.message}`).join('; ');
  return { ...view, error: message || 'work request failed' };
}
