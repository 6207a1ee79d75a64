/**
 * The gateway's routing and edge-policy document. The operator renders a ShopGateway into this
 * JSON and writes it into the gateway's ConfigMap; `npm start` writes an embedded default. The file
 * is parsed with this schema on start and on every change (a bad file keeps the last good config).
 */
import { z } from 'zod';
import { wafPolicySchema } from '../waf/policy.ts';

const hostname = z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:\d+)?$/, 'expected a lower-case host name');
const window = z.object({
  /** Requests allowed per window. */
  limit: z.number().int().positive(),
  /** Window length. @default 60000 */
  windowMs: z.number().int().min(100).default(60_000),
});

/** Who may call a route: anyone, any signed-in user, or users holding a role. */
export const routeAuthSchema = z.union([
  z.literal('public'),
  z.literal('signed-in'),
  z.object({ role: z.string().min(1) }),
]);

/** One upstream service. */
export const upstreamSchema = z.object({
  /** Base URL (scheme, host, port), e.g. `http://catalog:8080`. */
  url: z.url().refine((u) => /^https?:\/\/[^/]+\/?$/.test(u), 'upstream url must be an origin without a path'),
  /** Time to wait for response headers and between body chunks. @default 10000 */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Keep-alive connections in the pool. @default 64 */
  connections: z.number().int().positive().default(64),
  /** Extra attempts for idempotent methods after a connection error or 502/503/504. @default 2 */
  retries: z.number().int().min(0).max(5).default(2),
  breaker: z.object({
    /** Consecutive failures that open the circuit. @default 5 */
    failureThreshold: z.number().int().positive().default(5),
    /** How long the circuit stays open before one probe is let through. @default 10000 */
    resetMs: z.number().int().positive().default(10_000),
  }).default({ failureThreshold: 5, resetMs: 10_000 }),
});

/** A route: host (all when absent) + path prefix → upstream service. */
export const routeSchema = z.object({
  host: hostname.optional(),
  pathPrefix: z.string().startsWith('/'),
  service: z.string().min(1),
  stripPrefix: z.boolean().default(false),
  auth: routeAuthSchema.default('public'),
});

/** A redirect; the query string is kept. */
export const redirectSchema = z.object({
  host: hostname.optional(),
  path: z.string().startsWith('/'),
  /** Absolute URL or path. */
  to: z.string().min(1),
  code: z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]).default(302),
  /**
   * A query that is a bare token (`/rastreio?abc123`, no `=`) is passed on as `<name>=<token>`
   * (`?h=abc123`); a query with parameters is kept as it is.
   */
  bareQueryParam: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
});

/** The whole gateway document. */
export const gatewayConfigSchema = z.object({
  /** Hosts the shop answers for (also the WAF's "own" hosts for URLs in parameters). */
  hosts: z.array(hostname).default([]),
  upstreams: z.record(z.string().min(1), upstreamSchema).default({}),
  routes: z.array(routeSchema).default([]),
  redirects: z.array(redirectSchema).default([]),
  rateLimits: z.object({
    perAddress: window.optional(),
    perUser: window.optional(),
    /** What to do when Redis cannot answer: let requests through (`open`) or refuse them with 503 (`closed`). */
    whenUnavailable: z.enum(['open', 'closed']).default('open'),
  }).default({ whenUnavailable: 'open' }),
  /** Addresses or CIDRs of proxies (the load balancer) whose X-Forwarded-For is believed. */
  trustedProxies: z.array(z.string().min(1)).default([]),
  waf: wafPolicySchema.extend({ enabled: z.boolean().default(true) }).default(() => ({ ...wafPolicySchema.parse({}), enabled: true })),
}).superRefine((cfg, ctx) => {
  cfg.routes.forEach((r, i) => {
    if (!(r.service in cfg.upstreams)) {
      ctx.addIssue({ code: 'custom', path: ['routes', i, 'service'], message: `route ${r.pathPrefix} names unknown upstream "${r.service}"` });
    }
  });
});

/** A parsed, defaulted gateway config. */
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
/** The JSON the operator writes. */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type RouteAuth = z.infer<typeof routeAuthSchema>;
export type UpstreamConfig = z.infer<typeof upstreamSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type RedirectConfig = z.infer<typeof redirectSchema>;

/** Parses a gateway document; the error message lists every bad field with its path. */
export function parseGatewayConfig(input: unknown): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid gateway config: ${issues}`);
  }
  return Object.freeze(result.data);
}
