/**
 * Load Balancer API 20170115 in the fake: list and get load balancers (with `ipAddresses`, so the
 * operator can find the one the cloud controller created for a Service by its IP) and the load
 * balancer work requests. The operator never changes load balancers; the test creates them the way
 * the OCI cloud controller manager would, through `OciFake.addLoadBalancer`.
 * https://docs.oracle.com/iaas/api/#/en/loadbalancer/20170115/
 */
import { FakeApiError, notFound, paginate, type Route, type RouteContext, type RouteResult } from './http-kit.ts';

const PAGE_SIZE = 50;

function listLoadBalancers(ctx: RouteContext): RouteResult {
  const q = ctx.url.searchParams;
  const compartmentId = q.get('compartmentId');
  if (!compartmentId) throw new FakeApiError(400, 'MissingParameter', 'compartmentId is required');
  const items = [...ctx.store.loadBalancers.values()].filter((lb) =>
    lb.data.compartmentId === compartmentId &&
    (!q.get('displayName') || lb.data.displayName === q.get('displayName')) &&
    (!q.get('lifecycleState') || lb.data.lifecycleState === q.get('lifecycleState')));
  const { page, headers } = paginate(items, ctx.url, PAGE_SIZE);
  // ListLoadBalancers answers a bare JSON array, unlike the WAF lists.
  return { status: 200, body: page.map((lb) => ({ id: lb.id, ...lb.data })), headers };
}

function getLoadBalancer(ctx: RouteContext): RouteResult {
  const lb = ctx.store.loadBalancers.get(ctx.params[0]!);
  if (!lb) throw notFound('LoadBalancer');
  return { status: 200, body: { id: lb.id, ...lb.data }, headers: { etag: lb.etag } };
}

function getWorkRequest(ctx: RouteContext): RouteResult {
  const wr = ctx.store.lbWorkRequests.get(ctx.params[0]!);
  if (!wr) throw notFound('WorkRequest');
  return { status: 200, body: wr };
}

function listWorkRequests(ctx: RouteContext): RouteResult {
  const items = [...ctx.store.lbWorkRequests.values()].filter((wr) => wr.loadBalancerId === ctx.params[0]);
  const { page, headers } = paginate(items, ctx.url, PAGE_SIZE);
  return { status: 200, body: page, headers };
}

const ID = '([^/?]+)';

/** The load balancer routes, relative to `/20170115`. */
export const lbRoutes: readonly Route[] = [
  { method: 'GET', pattern: /^\/loadBalancers$/, operation: 'ListLoadBalancers', handle: listLoadBalancers },
  { method: 'GET', pattern: new RegExp(`^/loadBalancers/${ID}$`), operation: 'GetLoadBalancer', handle: getLoadBalancer },
  { method: 'GET', pattern: new RegExp(`^/loadBalancers/${ID}/workRequests$`), operation: 'ListLoadBalancerWorkRequests', handle: listWorkRequests },
  { method: 'GET', pattern: new RegExp(`^/loadBalancerWorkRequests/${ID}$`), operation: 'GetLoadBalancerWorkRequest', handle: getWorkRequest },
];
