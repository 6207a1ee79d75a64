/**
 * The WAF policy: the gateway's share of a ShopGateway's `waf` section. Parsed with zod, defaulted
 * and frozen once; the operator writes the same JSON into the gateway's ConfigMap.
 */
import { z } from 'zod';

/** Methods a shop API needs; anything else (TRACE, PROPFIND, made-up verbs) is refused. */
export const DEFAULT_ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** Body media types the services accept. */
export const DEFAULT_CONTENT_TYPES = [
  'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain',
  'application/problem+json', 'application/merge-patch+json', 'application/cloudevents+json',
] as const;

/** zod schema of the WAF policy. */
export const wafPolicySchema = z.object({
  /** `detect` logs and counts matches but lets the request through; `block` answers 403. */
  mode: z.enum(['detect', 'block']).default('block'),
  /** Rules up to this level run; 1 has the fewest false positives. */
  paranoia: z.number().int().min(1).max(3).default(1),
  allowedMethods: z.array(z.string().regex(/^[A-Z]+$/)).min(1).default([...DEFAULT_ALLOWED_METHODS]),
  allowedContentTypes: z.array(z.string().min(1)).default([...DEFAULT_CONTENT_TYPES]),
  maxBodyBytes: z.number().int().positive().default(1024 * 1024),
  maxHeaderBytes: z.number().int().positive().default(16 * 1024),
  maxHeaderCount: z.number().int().positive().default(100),
  maxUrlLength: z.number().int().positive().default(4096),
  maxArgs: z.number().int().positive().default(255),
  maxArgNameLength: z.number().int().positive().default(100),
  maxArgValueLength: z.number().int().positive().default(8000),
  /** Header the load balancer sets with the client's ISO 3166-1 alpha-2 country. */
  countryHeader: z.string().min(1).default('x-client-country'),
  /** When non-empty, only these countries pass. */
  countryAllow: z.array(z.string().length(2)).default([]),
  countryDeny: z.array(z.string().length(2)).default([]),
  /** Hosts that count as "ours" for URLs in parameters (the request's Host always does). */
  ownHosts: z.array(z.string().min(1)).default([]),
  /** Rule ids switched off (documented exceptions). */
  disabledRules: z.array(z.string()).default([]),
});

/** A validated, defaulted WAF policy. */
export type WafPolicy = Readonly<z.infer<typeof wafPolicySchema>>;
/** What a caller may write: every field optional. */
export type WafPolicyInput = z.input<typeof wafPolicySchema>;

/** Parses and freezes a policy; throws a zod error naming the bad field. */
export function parseWafPolicy(input: unknown): WafPolicy {
  return Object.freeze(wafPolicySchema.parse(input ?? {}));
}
