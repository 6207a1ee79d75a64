/**
 * WAF API 20210930 in the fake: WebAppFirewallPolicy and WebAppFirewall create/get/update/
 * delete/list and work requests. Shapes follow oci-waf's models (CreateWebAppFirewallPolicyDetails,
 * WebAppFirewallPolicy, CreateWebAppFirewallLoadBalancerDetails, WorkRequest).
 * https://docs.oracle.com/iaas/api/#/en/waf/20210930/
 */
import {
  checkIfMatch, FakeApiError, notFound, paginate, requireString,
  type Route, type RouteContext, type RouteResult,
} from './http-kit.ts';
import { newEtag, ocid, type FakeStore, type WafRecord } from './store.ts';

const POLICY_FIELDS = ['actions', 'requestAccessControl', 'requestRateLimiting', 'requestProtection', 'responseAccessControl', 'responseProtection'];
const PAGE_SIZE = 50;

function nowIso(): string {
  return new Date().toISOString();
}

function body(ctx: RouteContext): Record<string, unknown> {
  if (typeof ctx.body !== 'object' || ctx.body === null) throw new FakeApiError(400, 'InvalidParameter', 'a JSON body is required');
  return ctx.body as Record<string, unknown>;
}

function tags(value: unknown): Record<string, string> {
  return typeof value === 'object' && value !== null ? { ...(value as Record<string, string>) } : {};
}

function summary(r: WafRecord, extra: readonly string[]): Record<string, unknown> {
  const d = r.data;
  const out: Record<string, unknown> = {
    id: r.id, displayName: d.displayName, compartmentId: d.compartmentId, timeCreated: d.timeCreated,
    timeUpdated: d.timeUpdated, lifecycleState: d.lifecycleState, freeformTags: d.freeformTags, definedTags: {}, systemTags: {},
  };
  for (const f of extra) out[f] = d[f];
  return out;
}

function list(ctx: RouteContext, records: Iterable<WafRecord>, extraFilters: readonly string[], extraFields: readonly string[]): RouteResult {
  const q = ctx.url.searchParams;
  const compartmentId = q.get('compartmentId');
  if (!compartmentId) throw new FakeApiError(400, 'MissingParameter', 'compartmentId is required');
  const states = q.getAll('lifecycleState');
  const items = [...records].filter((r) =>
    r.data.compartmentId === compartmentId &&
    (states.length === 0 || states.includes(r.data.lifecycleState)) &&
    (!q.get('displayName') || r.data.displayName === q.get('displayName')) &&
    (!q.get('id') || r.id === q.get('id')) &&
    extraFilters.every((f) => !q.get(f) || r.data[f] === q.get(f)));
  const { page, headers } = paginate(items, ctx.url, PAGE_SIZE);
  return { status: 200, body: { items: page.map((r) => summary(r, extraFields)) }, headers };
}

function get(map: Map<string, WafRecord>, id: string, what: string): WafRecord {
  const record = map.get(id);
  if (!record) throw notFound(what);
  return record;
}

function ok(record: WafRecord, status = 200, extra: Record<string, string> = {}): RouteResult {
  return { status, body: { id: record.id, ...record.data }, headers: { etag: record.etag, ...extra } };
}

function startDelete(store: FakeStore, record: WafRecord, operationType: string, entityType: string): RouteResult {
  record.data.lifecycleState = 'DELETING';
  record.etag = newEtag();
  const wr = store.startWorkRequest(operationType, record.data.compartmentId, { entityType, actionType: 'DELETED', identifier: record.id },
    (succeeded) => {
      record.data.lifecycleState = succeeded ? 'DELETED' : 'ACTIVE';
      record.data.timeUpdated = nowIso();
      record.etag = newEtag();
    });
  return { status: 202, headers: { 'opc-work-request-id': wr.id } };
}

function startUpdate(store: FakeStore, record: WafRecord, patch: Record<string, unknown>, operationType: string, entityType: string): RouteResult {
  const before = { ...record.data };
  Object.assign(record.data, patch, { lifecycleState: 'UPDATING', timeUpdated: nowIso() });
  record.etag = newEtag();
  const wr = store.startWorkRequest(operationType, record.data.compartmentId, { entityType, actionType: 'UPDATED', identifier: record.id },
    (succeeded) => {
      // A failed update leaves the resource as it was, which is what OCI promises for WAF updates.
      if (!succeeded) Object.assign(record.data, before);
      record.data.lifecycleState = 'ACTIVE';
      record.etag = newEtag();
    });
  return { status: 202, headers: { 'opc-work-request-id': wr.id } };
}

function assertMutable(record: WafRecord): void {
  if (record.data.lifecycleState !== 'ACTIVE' && record.data.lifecycleState !== 'FAILED') {
    throw new FakeApiError(409, 'IncorrectState', `resource is ${record.data.lifecycleState}`);
  }
}

function createPolicy(ctx: RouteContext): RouteResult {
  const b = body(ctx);
  const compartmentId = requireString(b, 'compartmentId');
  const id = ocid('webappfirewallpolicy');
  const record: WafRecord = {
    id, etag: newEtag(),
    data: {
      displayName: typeof b.displayName === 'string' ? b.displayName : id, compartmentId, lifecycleState: 'CREATING',
      timeCreated: nowIso(), timeUpdated: nowIso(), freeformTags: tags(b.freeformTags), definedTags: {}, systemTags: {},
      ...Object.fromEntries(POLICY_FIELDS.filter((f) => b[f] !== undefined).map((f) => [f, b[f]])),
    },
  };
  ctx.store.policies.set(id, record);
  ctx.store.counts.createPolicy += 1;
  const wr = ctx.store.startWorkRequest('CREATE_WAF_POLICY', compartmentId, { entityType: 'webAppFirewallPolicy', actionType: 'CREATED', identifier: id },
    (succeeded) => {
      record.data.lifecycleState = succeeded ? 'ACTIVE' : 'FAILED';
      record.etag = newEtag();
    });
  return ok(record, 200, { 'opc-work-request-id': wr.id, location: `/20210930/webAppFirewallPolicies/${id}` });
}

function updatePolicy(ctx: RouteContext): RouteResult {
  const record = get(ctx.store.policies, ctx.params[0]!, 'WebAppFirewallPolicy');
  if (record.data.lifecycleState === 'DELETED') throw notFound('WebAppFirewallPolicy');
  checkIfMatch(ctx.headers, record.etag);
  assertMutable(record);
  const b = body(ctx);
  const patch: Record<string, unknown> = {};
  for (const f of [...POLICY_FIELDS, 'displayName']) if (b[f] !== undefined) patch[f] = b[f];
  if (b.freeformTags !== undefined) patch.freeformTags = tags(b.freeformTags);
  ctx.store.counts.updatePolicy += 1;
  return startUpdate(ctx.store, record, patch, 'UPDATE_WAF_POLICY', 'webAppFirewallPolicy');
}

function deletePolicy(ctx: RouteContext): RouteResult {
  const record = get(ctx.store.policies, ctx.params[0]!, 'WebAppFirewallPolicy');
  if (record.data.lifecycleState === 'DELETED') throw notFound('WebAppFirewallPolicy');
  checkIfMatch(ctx.headers, record.etag);
  assertMutable(record);
  if (ctx.store.liveFirewalls().some((f) => f.data.webAppFirewallPolicyId === record.id)) {
    throw new FakeApiError(409, 'IncorrectState', 'the policy is still used by a web app firewall');
  }
  ctx.store.counts.deletePolicy += 1;
  return startDelete(ctx.store, record, 'DELETE_WAF_POLICY', 'webAppFirewallPolicy');
}

function createFirewall(ctx: RouteContext): RouteResult {
  const b = body(ctx);
  const compartmentId = requireString(b, 'compartmentId');
  const policyId = requireString(b, 'webAppFirewallPolicyId');
  if (b.backendType !== 'LOAD_BALANCER') throw new FakeApiError(400, 'InvalidParameter', 'backendType must be LOAD_BALANCER');
  const loadBalancerId = requireString(b, 'loadBalancerId');
  const policy = ctx.store.policies.get(policyId);
  if (!policy || policy.data.lifecycleState === 'DELETED') throw new FakeApiError(400, 'InvalidParameter', 'webAppFirewallPolicyId does not exist');
  if (policy.data.lifecycleState !== 'ACTIVE') throw new FakeApiError(409, 'IncorrectState', `the policy is ${policy.data.lifecycleState}`);
  if (!ctx.store.loadBalancers.has(loadBalancerId)) throw new FakeApiError(400, 'InvalidParameter', 'loadBalancerId does not exist');
  if (ctx.store.liveFirewalls().some((f) => f.data.loadBalancerId === loadBalancerId)) {
    throw new FakeApiError(409, 'Conflict', 'the load balancer already has a web app firewall');
  }
  const id = ocid('webappfirewall');
  const record: WafRecord = {
    id, etag: newEtag(),
    data: {
      displayName: typeof b.displayName === 'string' ? b.displayName : id, compartmentId, webAppFirewallPolicyId: policyId,
      backendType: 'LOAD_BALANCER', loadBalancerId, lifecycleState: 'CREATING', timeCreated: nowIso(), timeUpdated: nowIso(),
      freeformTags: tags(b.freeformTags), definedTags: {}, systemTags: {},
    },
  };
  ctx.store.firewalls.set(id, record);
  ctx.store.counts.createFirewall += 1;
  const wr = ctx.store.startWorkRequest('CREATE_WEB_APP_FIREWALL', compartmentId, { entityType: 'webAppFirewall', actionType: 'CREATED', identifier: id },
    (succeeded) => {
      record.data.lifecycleState = succeeded ? 'ACTIVE' : 'FAILED';
      record.etag = newEtag();
    });
  return ok(record, 200, { 'opc-work-request-id': wr.id, location: `/20210930/webAppFirewalls/${id}` });
}

function updateFirewall(ctx: RouteContext): RouteResult {
  const record = get(ctx.store.firewalls, ctx.params[0]!, 'WebAppFirewall');
  if (record.data.lifecycleState === 'DELETED') throw notFound('WebAppFirewall');
  checkIfMatch(ctx.headers, record.etag);
  assertMutable(record);
  const b = body(ctx);
  const patch: Record<string, unknown> = {};
  if (typeof b.displayName === 'string') patch.displayName = b.displayName;
  if (typeof b.webAppFirewallPolicyId === 'string') patch.webAppFirewallPolicyId = b.webAppFirewallPolicyId;
  if (b.freeformTags !== undefined) patch.freeformTags = tags(b.freeformTags);
  ctx.store.counts.updateFirewall += 1;
  return startUpdate(ctx.store, record, patch, 'UPDATE_WEB_APP_FIREWALL', 'webAppFirewall');
}

function deleteFirewall(ctx: RouteContext): RouteResult {
  const record = get(ctx.store.firewalls, ctx.params[0]!, 'WebAppFirewall');
  if (record.data.lifecycleState === 'DELETED') throw notFound('WebAppFirewall');
  checkIfMatch(ctx.headers, record.etag);
  assertMutable(record);
  ctx.store.counts.deleteFirewall += 1;
  return startDelete(ctx.store, record, 'DELETE_WEB_APP_FIREWALL', 'webAppFirewall');
}

function getWorkRequest(ctx: RouteContext): RouteResult {
  const wr = ctx.store.workRequests.get(ctx.params[0]!);
  if (!wr) throw notFound('WorkRequest');
  return { status: 200, body: ctx.store.renderWorkRequest(wr) };
}

function workRequestErrors(ctx: RouteContext): RouteResult {
  const wr = ctx.store.workRequests.get(ctx.params[0]!);
  if (!wr) throw notFound('WorkRequest');
  const items = wr.status === 'FAILED'
    ? [{ code: 'InternalError', message: 'the work request failed (injected by the fake)', timestamp: nowIso() }]
    : [];
  return { status: 200, body: { items } };
}

const ID = '([^/?]+)';

/** The WAF routes, relative to `/20210930`. */
export const wafRoutes: readonly Route[] = [
  { method: 'POST', pattern: /^\/webAppFirewallPolicies$/, operation: 'CreateWebAppFirewallPolicy', handle: createPolicy },
  { method: 'GET', pattern: /^\/webAppFirewallPolicies$/, operation: 'ListWebAppFirewallPolicies', handle: (c) => list(c, c.store.policies.values(), [], []) },
  { method: 'GET', pattern: new RegExp(`^/webAppFirewallPolicies/${ID}$`), operation: 'GetWebAppFirewallPolicy', handle: (c) => ok(get(c.store.policies, c.params[0]!, 'WebAppFirewallPolicy')) },
  { method: 'PUT', pattern: new RegExp(`^/webAppFirewallPolicies/${ID}$`), operation: 'UpdateWebAppFirewallPolicy', handle: updatePolicy },
  { method: 'DELETE', pattern: new RegExp(`^/webAppFirewallPolicies/${ID}$`), operation: 'DeleteWebAppFirewallPolicy', handle: deletePolicy },
  { method: 'POST', pattern: /^\/webAppFirewalls$/, operation: 'CreateWebAppFirewall', handle: createFirewall },
  {
    method: 'GET', pattern: /^\/webAppFirewalls$/, operation: 'ListWebAppFirewalls',
    handle: (c) => list(c, c.store.firewalls.values(), ['webAppFirewallPolicyId'], ['webAppFirewallPolicyId', 'backendType', 'loadBalancerId']),
  },
  { method: 'GET', pattern: new RegExp(`^/webAppFirewalls/${ID}$`), operation: 'GetWebAppFirewall', handle: (c) => ok(get(c.store.firewalls, c.params[0]!, 'WebAppFirewall')) },
  { method: 'PUT', pattern: new RegExp(`^/webAppFirewalls/${ID}$`), operation: 'UpdateWebAppFirewall', handle: updateFirewall },
  { method: 'DELETE', pattern: new RegExp(`^/webAppFirewalls/${ID}$`), operation: 'DeleteWebAppFirewall', handle: deleteFirewall },
  { method: 'GET', pattern: new RegExp(`^/workRequests/${ID}$`), operation: 'GetWorkRequest', handle: getWorkRequest },
  { method: 'GET', pattern: new RegExp(`^/workRequests/${ID}/errors$`), operation: 'ListWorkRequestErrors', handle: workRequestErrors },
];
