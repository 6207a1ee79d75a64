/**
 * Matching of a request's host and path to a redirect or a route. Routes for a named host win over
 * host-less ones; among those, the longest path prefix wins. A prefix matches whole segments only
 * (`/api/cart` matches `/api/cart` and `/api/cart/items`, not `/api/cartography`).
 */
import type { GatewayConfig, RedirectConfig, RouteConfig } from '../config/schema.ts';

/** A compiled router. */
export interface Router {
  redirect(host: string, path: string, query: string): { location: string; code: number } | undefined;
  route(host: string, path: string): { route: RouteConfig; upstreamPath: string } | undefined;
}

function hostMatches(pattern: string | undefined, host: string): boolean {
  if (pattern === undefined) return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(`${p}/`);
}

/** Host header without port, lower-cased. */
export function normalizeHost(hostHeader: string | undefined): string {
  return (hostHeader ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
}

function redirectLocation(r: RedirectConfig, query: string): string {
  let q = query;
  if (r.bareQueryParam !== undefined && q !== '' && !q.includes('=')) q = `${r.bareQueryParam}=${q}`;
  if (q === '') return r.to;
  return `${r.to}${r.to.includes('?') ? '&' : '?'}${q}`;
}

const specificity = (host: string | undefined, prefix: string): number => (host === undefined ? 0 : 1_000_000) + prefix.length;

/** Compiles the routes and redirects of a config. */
export function createRouter(config: Pick<GatewayConfig, 'routes' | 'redirects'>): Router {
  const routes = [...config.routes].sort((a, b) => specificity(b.host, b.pathPrefix) - specificity(a.host, a.pathPrefix));
  const redirects = [...config.redirects].sort((a, b) => specificity(b.host, b.path) - specificity(a.host, a.path));
  return {
    redirect(host, path, query) {
      const r = redirects.find((x) => hostMatches(x.host, host) && (path === x.path || path === `${x.path}/`));
      return r === undefined ? undefined : { location: redirectLocation(r, query), code: r.code };
    },
    route(host, path) {
      const route = routes.find((r) => hostMatches(r.host, host) && prefixMatches(r.pathPrefix, path));
      if (route === undefined) return undefined;
      let upstreamPath = path;
      if (route.stripPrefix && route.pathPrefix !== '/') {
        const p = route.pathPrefix.endsWith('/') ? route.pathPrefix.slice(0, -1) : route.pathPrefix;
        upstreamPath = path.slice(p.length) || '/';
      }
      return { route, upstreamPath };
    },
  };
}
