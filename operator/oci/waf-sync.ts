/**
 * One step of bringing OCI in line with a ShopGateway: at most one mutating call per invocation,
 * never a wait. Each step returns the OCIDs to record in status (written before anything is
 * awaited on the OCI side) and how soon to look again; the work queue does the waiting.
 *
 * Order on apply: policy (create → wait → update in place when the content hash differs), then the
 * load balancer behind the Service address, then the firewall binding the two. Order on delete:
 * firewall first (OCI refuses to delete a policy in use), then the policy; done only once OCI
 * reports both gone.
 */
import type { OciClients } from './clients.ts';
import { OciCallError } from './errors.ts';
import { displayName, ownerTags, retryToken, SPEC_HASH_TAG, type OciOwner } from './tags.ts';
import { wafPolicyHash, type WafPolicyContent } from './waf-policy.ts';
import {
  assertLayer7, findLoadBalancerByIp, readWorkRequest, resolveFirewall, resolvePolicy, TRANSITIONAL_STATES,
  type WafResourceView, type WorkRequestView,
} from './waf-resources.ts';

/** The OCI part of a ShopGateway's status. */
export interface OciGatewayState {
  lbOcid?: string;
  wafPolicyOcid?: string;
  wafOcid?: string;
  workRequest?: WorkRequestView;
}

/** The outcome of one step. */
export interface OciStepResult {
  readonly state: OciGatewayState;
  /** True when everything exists, is ACTIVE and matches the spec (apply) or is gone (delete). */
  readonly done: boolean;
  /** A CamelCase reason for the condition, and a sentence for people. */
  readonly reason: string;
  readonly message: string;
  /** When to look again; absent when done. */
  readonly requeueAfterMs?: number;
}

/** Timings of the step machine. */
export interface OciSyncTimings {
  /** While a work request runs. @default 2000 */
  readonly pollMs?: number;
  /** While the cloud controller has not made the load balancer yet. @default 10000 */
  readonly waitForLoadBalancerMs?: number;
}

/** Everything one apply step needs. */
export interface OciApplyInput {
  readonly owner: OciOwner;
  readonly compartmentId: string;
  readonly policy: WafPolicyContent;
  /** The Service's load-balancer address, once the cloud controller has set it. */
  readonly address: string | undefined;
  readonly previous: OciGatewayState;
  readonly timings?: OciSyncTimings;
}

function inProgress(state: OciGatewayState, reason: string, message: string, pollMs: number): OciStepResult {
  return { state, done: false, reason, message, requeueAfterMs: pollMs };
}

/** Follows the work request in status while a resource is transitional. */
async function waitStep(oci: OciClients, state: OciGatewayState, resource: WafResourceView, what: string, pollMs: number): Promise<OciStepResult> {
  const wr = state.workRequest;
  if (wr && wr.status !== 'SUCCEEDED' && wr.status !== 'FAILED') {
    const progress = await readWorkRequest(oci, wr.id, wr.operation);
    state.workRequest = { id: progress.id, operation: progress.operation, status: progress.status, ...(progress.percentComplete !== undefined ? { percentComplete: progress.percentComplete } : {}) };
    if (progress.error) {
      return { state, done: false, reason: 'OciWorkRequestFailed', message: `${wr.operation} failed: ${progress.error}`, requeueAfterMs: pollMs * 10 };
    }
  }
  const pct = state.workRequest?.percentComplete;
  return inProgress(state, 'OciWorkInProgress', `${what} ${resource.id} is ${resource.lifecycleState}${pct !== undefined ? ` (${pct}%)` : ''}`, pollMs);
}

/** Why OCI failed the resource, from the work request recorded in status (if there is one). */
async function failureNote(oci: OciClients, wr: WorkRequestView | undefined): Promise<string> {
  if (!wr) return '';
  const read = await readWorkRequest(oci, wr.id, wr.operation);
  return read.error ? ` (${wr.operation}: ${read.error})` : '';
}

function started(operation: string, id: string | undefined): WorkRequestView | undefined {
  return id ? { id, operation, status: 'ACCEPTED', percentComplete: 0 } : undefined;
}

/** One apply step. Throws `OciCallError` for OCI failures (the controller maps them to requeues or conditions). */
export async function applyStep(oci: OciClients, input: OciApplyInput): Promise<OciStepResult> {
  const pollMs = input.timings?.pollMs ?? 2000;
  const state: OciGatewayState = { ...input.previous };
  const { owner, compartmentId } = input;
  const hash = wafPolicyHash(input.policy);
  const tags = { ...ownerTags(owner), [SPEC_HASH_TAG]: hash };

  // 1. The policy.
  const policy = await resolvePolicy(oci, compartmentId, owner, state.wafPolicyOcid);
  if (!policy) {
    const res = await oci.call('CreateWebAppFirewallPolicy', () => oci.waf.createWebAppFirewallPolicy({
      createWebAppFirewallPolicyDetails: { compartmentId, displayName: displayName(owner, 'policy'), freeformTags: tags, ...input.policy },
      opcRetryToken: retryToken(owner, 'policy', state.wafPolicyOcid),
    }));
    state.wafPolicyOcid = res.webAppFirewallPolicy.id;
    state.workRequest = started('CreateWafPolicy', res.opcWorkRequestId);
    return inProgress(state, 'CreatingWafPolicy', `creating WAF policy ${state.wafPolicyOcid}`, pollMs);
  }
  state.wafPolicyOcid = policy.id;
  if (TRANSITIONAL_STATES.has(policy.lifecycleState)) return waitStep(oci, state, policy, 'WAF policy', pollMs);
  if (policy.lifecycleState === 'FAILED') {
    // Ours and unusable: delete it; the next create gets a new retry token (it names this OCID).
    const res = await oci.call('DeleteWebAppFirewallPolicy', () => oci.waf.deleteWebAppFirewallPolicy({ webAppFirewallPolicyId: policy.id, ...(policy.etag ? { ifMatch: policy.etag } : {}) }));
    const why = await failureNote(oci, input.previous.workRequest);
    state.workRequest = started('DeleteWafPolicy', res.opcWorkRequestId);
    return { state, done: false, reason: 'WafPolicyFailed', message: `WAF policy ${policy.id} is FAILED in OCI${why}; deleting it to create it again`, requeueAfterMs: pollMs * 5 };
  }
  if (policy.freeformTags[SPEC_HASH_TAG] !== hash) {
    const res = await oci.call('UpdateWebAppFirewallPolicy', () => oci.waf.updateWebAppFirewallPolicy({
      webAppFirewallPolicyId: policy.id,
      // If-Match: a concurrent change (a person in the console, a second operator) turns into 412
      // and a fresh read instead of being overwritten blindly.
      ...(policy.etag ? { ifMatch: policy.etag } : {}),
      updateWebAppFirewallPolicyDetails: { ...input.policy, freeformTags: { ...policy.freeformTags, ...tags } },
    }));
    state.workRequest = started('UpdateWafPolicy', res.opcWorkRequestId);
    return inProgress(state, 'UpdatingWafPolicy', `updating WAF policy ${policy.id} in place`, pollMs);
  }

  // 2. The load balancer the cloud controller made for the Service.
  if (!input.address) {
    return { state, done: false, reason: 'WaitingForAddress', message: 'waiting for the cloud controller to give the Service a load-balancer address', requeueAfterMs: input.timings?.waitForLoadBalancerMs ?? 10_000 };
  }
  const lb = await findLoadBalancerByIp(oci, compartmentId, input.address);
  if (!lb) {
    return { state, done: false, reason: 'WaitingForLoadBalancer', message: `no OCI load balancer with address ${input.address} yet`, requeueAfterMs: input.timings?.waitForLoadBalancerMs ?? 10_000 };
  }
  assertLayer7(lb);
  state.lbOcid = lb.id;

  // 3. The firewall binding policy and load balancer.
  const firewall = await resolveFirewall(oci, compartmentId, owner, state.wafOcid);
  if (!firewall) {
    const res = await oci.call('CreateWebAppFirewall', () => oci.waf.createWebAppFirewall({
      createWebAppFirewallDetails: {
        backendType: 'LOAD_BALANCER', loadBalancerId: lb.id, compartmentId, webAppFirewallPolicyId: policy.id,
        displayName: displayName(owner, 'firewall'), freeformTags: ownerTags(owner),
      } as Parameters<typeof oci.waf.createWebAppFirewall>[0]['createWebAppFirewallDetails'],
      opcRetryToken: retryToken(owner, 'firewall', `${state.wafOcid ?? ''}/${lb.id}`),
    }));
    state.wafOcid = res.webAppFirewall.id;
    state.workRequest = started('CreateWebAppFirewall', res.opcWorkRequestId);
    return inProgress(state, 'CreatingWebAppFirewall', `creating web app firewall ${state.wafOcid} on load balancer ${lb.id}`, pollMs);
  }
  state.wafOcid = firewall.id;
  if (TRANSITIONAL_STATES.has(firewall.lifecycleState)) return waitStep(oci, state, firewall, 'web app firewall', pollMs);
  if (firewall.lifecycleState === 'FAILED') {
    const res = await oci.call('DeleteWebAppFirewall', () => oci.waf.deleteWebAppFirewall({ webAppFirewallId: firewall.id, ...(firewall.etag ? { ifMatch: firewall.etag } : {}) }));
    const why = await failureNote(oci, input.previous.workRequest);
    state.workRequest = started('DeleteWebAppFirewall', res.opcWorkRequestId);
    return { state, done: false, reason: 'WebAppFirewallFailed', message: `web app firewall ${firewall.id} is FAILED in OCI${why}; deleting it to create it again`, requeueAfterMs: pollMs * 5 };
  }
  if (firewall.loadBalancerId && firewall.loadBalancerId !== lb.id) {
    // The load balancer was replaced (Service re-created): a firewall cannot move, so it goes.
    const res = await oci.call('DeleteWebAppFirewall', () => oci.waf.deleteWebAppFirewall({ webAppFirewallId: firewall.id, ...(firewall.etag ? { ifMatch: firewall.etag } : {}) }));
    state.workRequest = started('DeleteWebAppFirewall', res.opcWorkRequestId);
    return inProgress(state, 'ReplacingWebAppFirewall', `load balancer changed to ${lb.id}; deleting firewall ${firewall.id}`, pollMs);
  }
  if (firewall.webAppFirewallPolicyId !== policy.id) {
    const res = await oci.call('UpdateWebAppFirewall', () => oci.waf.updateWebAppFirewall({
      webAppFirewallId: firewall.id, ...(firewall.etag ? { ifMatch: firewall.etag } : {}),
      updateWebAppFirewallDetails: { webAppFirewallPolicyId: policy.id },
    }));
    state.workRequest = started('UpdateWebAppFirewall', res.opcWorkRequestId);
    return inProgress(state, 'UpdatingWebAppFirewall', `pointing firewall ${firewall.id} at policy ${policy.id}`, pollMs);
  }
  delete state.workRequest;
  return { state, done: true, reason: 'WafActive', message: `WAF policy ${policy.id} and firewall ${firewall.id} are ACTIVE on load balancer ${lb.id}` };
}

/** Everything one delete step needs. */
export interface OciDeleteInput {
  readonly owner: OciOwner;
  readonly compartmentId: string;
  readonly previous: OciGatewayState;
  readonly timings?: OciSyncTimings;
}

async function deleteOne(
  oci: OciClients, state: OciGatewayState, resource: WafResourceView, what: string, pollMs: number,
  remove: (etag: string | undefined) => Promise<string | undefined>, operation: string,
): Promise<OciStepResult> {
  if (TRANSITIONAL_STATES.has(resource.lifecycleState)) return waitStep(oci, state, resource, what, pollMs);
  const wrId = await remove(resource.etag);
  state.workRequest = started(operation, wrId);
  return inProgress(state, 'DeletingOciResources', `deleting ${what} ${resource.id}`, pollMs);
}

/** One delete step: firewall, then policy; `done` only when OCI confirms both are gone. */
export async function deleteStep(oci: OciClients, input: OciDeleteInput): Promise<OciStepResult> {
  const pollMs = input.timings?.pollMs ?? 2000;
  const state: OciGatewayState = { ...input.previous };
  const { owner, compartmentId } = input;

  const firewall = await resolveFirewall(oci, compartmentId, owner, state.wafOcid);
  if (firewall) {
    state.wafOcid = firewall.id;
    return deleteOne(oci, state, firewall, 'web app firewall', pollMs, async (etag) => {
      const res = await oci.call('DeleteWebAppFirewall', () => oci.waf.deleteWebAppFirewall({ webAppFirewallId: firewall.id, ...(etag ? { ifMatch: etag } : {}) }));
      return res.opcWorkRequestId;
    }, 'DeleteWebAppFirewall');
  }
  delete state.wafOcid;
  const policy = await resolvePolicy(oci, compartmentId, owner, state.wafPolicyOcid);
  if (policy) {
    state.wafPolicyOcid = policy.id;
    return deleteOne(oci, state, policy, 'WAF policy', pollMs, async (etag) => {
      const res = await oci.call('DeleteWebAppFirewallPolicy', () => oci.waf.deleteWebAppFirewallPolicy({ webAppFirewallPolicyId: policy.id, ...(etag ? { ifMatch: etag } : {}) }));
      return res.opcWorkRequestId;
    }, 'DeleteWafPolicy');
  }
  delete state.wafPolicyOcid;
  delete state.workRequest;
  return { state, done: true, reason: 'OciResourcesDeleted', message: 'OCI confirmed the web app firewall and the WAF policy are deleted' };
}

/** True when an error is worth retrying later (as opposed to a user or setup mistake). */
export function isTransient(err: unknown): boolean {
  return !(err instanceof OciCallError) || !err.permanent;
}
