/**
 * The WAF part of a ShopGateway spec → the body of an OCI WebAppFirewallPolicy (WAF API 20210930).
 * Pure functions: the same spec always gives the same policy and the same hash, which is what lets
 * the controller tell "changed, update in place" from "unchanged, do nothing" without diffing
 * OCI's server-side defaults. https://docs.oracle.com/en-us/iaas/Content/web-app-firewall/Concepts/overview.htm
 */
import { createHash } from 'node:crypto';
import type { models } from 'oci-waf';
import { SHOP_GATEWAY_DEFAULTS, WAF_PROTECTIONS, type ShopGatewaySpec } from '../api/v1alpha1/index.ts';

/** The `waf` block of a ShopGateway spec. */
export type WafSpec = NonNullable<ShopGatewaySpec['waf']>;
/** One protection a spec can ask for. */
export type WafProtection = (typeof WAF_PROTECTIONS)[number];

/**
 * OCI inspects at most this many body bytes per request (a per-tenancy limit, 8 KiB by default).
 * Larger `maxBodyBytes` values are enforced by the gateway itself, not by the WAF.
 */
export const OCI_BODY_INSPECTION_LIMIT_BYTES = 8192;

/**
 * Protection capability keys of OCI's catalogue (ListProtectionCapabilities), one collaborative
 * group per attack class where OCI has one; `protocol` maps to the argument limit checks.
 */
export const PROTECTION_CAPABILITY_KEYS: Readonly<Record<WafProtection, readonly string[]>> = {
  sqli: ['9420000'],
  xss: ['9410000'],
  rce: ['9320000'],
  lfi: ['9300000'],
  rfi: ['9310000'],
  protocol: ['920380', '920370', '920390'],
};

/** Action names the generated policy defines; rules refer to them. */
export const WAF_ACTIONS = {
  allow: 'allow',
  log: 'log-only',
  forbidden: 'block-403',
  tooMany: 'block-429',
  methodNotAllowed: 'block-405',
  tooLarge: 'block-413',
} as const;

/** The parts of a WebAppFirewallPolicy the operator owns (shared by create and update). */
export interface WafPolicyContent {
  readonly actions: models.Action[];
  readonly requestAccessControl: models.RequestAccessControl;
  readonly requestRateLimiting: models.RequestRateLimiting;
  readonly requestProtection: models.RequestProtection;
}

const RATE_LIMIT_PERIOD_S = 60;

function problemResponse(name: string, code: number, title: string, extraHeaders: models.ResponseHeader[] = []): models.ReturnHttpResponseAction {
  // The shop's HTTP errors are problem+json (RFC 9457); the WAF's answers look the same to clients.
  const body: models.StaticTextHttpResponseBody = {
    type: 'STATIC_TEXT',
    text: JSON.stringify({ type: 'about:blank', title, status: code }),
  };
  return { name, type: 'RETURN_HTTP_RESPONSE', code, headers: [{ name: 'Content-Type', value: 'application/problem+json' }, ...extraHeaders], body };
}

function jmesList(values: readonly string[]): string {
  return `[${values.map((v) => `'${v}'`).join(', ')}]`;
}

/**
 * Builds the policy content. Mode `Detect` makes every rule log only (a CHECK action), `Block`
 * answers 403/405/413/429. Absent `protections` means all of them: a WAF switched on without a
 * list should protect, not silently do nothing.
 */
export function buildWafPolicy(spec: WafSpec): WafPolicyContent {
  const block = (spec.mode ?? SHOP_GATEWAY_DEFAULTS.wafMode) === 'Block';
  const act = (name: string): string => (block ? name : WAF_ACTIONS.log);

  const actions: models.Action[] = [
    { name: WAF_ACTIONS.allow, type: 'ALLOW' } satisfies models.AllowAction,
    { name: WAF_ACTIONS.log, type: 'CHECK' } satisfies models.CheckAction,
    problemResponse(WAF_ACTIONS.forbidden, 403, 'Forbidden'),
    problemResponse(WAF_ACTIONS.tooMany, 429, 'Too Many Requests', [{ name: 'Retry-After', value: String(RATE_LIMIT_PERIOD_S) }]),
    problemResponse(WAF_ACTIONS.methodNotAllowed, 405, 'Method Not Allowed'),
    problemResponse(WAF_ACTIONS.tooLarge, 413, 'Content Too Large'),
  ];

  const accessRules: models.AccessControlRule[] = [];
  if (spec.allowedMethods && spec.allowedMethods.length > 0) {
    accessRules.push({
      type: 'ACCESS_CONTROL', name: 'allowed-methods', conditionLanguage: 'JMESPATH' as models.AccessControlRule['conditionLanguage'],
      condition: `!contains(${jmesList([...spec.allowedMethods].sort())}, http.request.method)`, actionName: act(WAF_ACTIONS.methodNotAllowed),
    });
  }
  const allow = spec.countries?.allow;
  const deny = spec.countries?.deny;
  if (allow && allow.length > 0) {
    accessRules.push({
      type: 'ACCESS_CONTROL', name: 'countries-allowed', conditionLanguage: 'JMESPATH' as models.AccessControlRule['conditionLanguage'],
      condition: `!contains(${jmesList([...allow].sort())}, connection.source.geo.countryCode)`, actionName: act(WAF_ACTIONS.forbidden),
    });
  } else if (deny && deny.length > 0) {
    accessRules.push({
      type: 'ACCESS_CONTROL', name: 'countries-denied', conditionLanguage: 'JMESPATH' as models.AccessControlRule['conditionLanguage'],
      condition: `contains(${jmesList([...deny].sort())}, connection.source.geo.countryCode)`, actionName: act(WAF_ACTIONS.forbidden),
    });
  }

  const rateRules: models.RequestRateLimitingRule[] = spec.rateLimit
    ? [{
        type: 'REQUEST_RATE_LIMITING', name: 'requests-per-minute', actionName: act(WAF_ACTIONS.tooMany),
        configurations: [{ periodInSeconds: RATE_LIMIT_PERIOD_S, requestsLimit: spec.rateLimit.requestsPerMinute, actionDurationInSeconds: RATE_LIMIT_PERIOD_S }],
      }]
    : [];

  const protections = spec.protections ?? [...WAF_PROTECTIONS];
  const keys = WAF_PROTECTIONS.filter((p) => protections.includes(p)).flatMap((p) => PROTECTION_CAPABILITY_KEYS[p]);
  const inspectBytes = Math.min(spec.maxBodyBytes ?? OCI_BODY_INSPECTION_LIMIT_BYTES, OCI_BODY_INSPECTION_LIMIT_BYTES);
  const requestProtection: models.RequestProtection = {
    rules: keys.length === 0 ? [] : [{
      type: 'PROTECTION', name: 'protections', actionName: act(WAF_ACTIONS.forbidden), isBodyInspectionEnabled: true,
      protectionCapabilities: keys.map((key) => ({ key, version: 1 })),
    } satisfies models.ProtectionRule],
    bodyInspectionSizeLimitInBytes: inspectBytes,
    // Only when the whole allowed body fits the inspection window can "larger than that" mean "too large".
    ...(spec.maxBodyBytes !== undefined && spec.maxBodyBytes <= OCI_BODY_INSPECTION_LIMIT_BYTES
      ? { bodyInspectionSizeLimitExceededActionName: act(WAF_ACTIONS.tooLarge) }
      : {}),
  };

  return {
    actions,
    // Every section is always sent (empty when unused): an update leaves out nothing it must clear.
    requestAccessControl: { defaultActionName: WAF_ACTIONS.allow, rules: accessRules },
    requestRateLimiting: { rules: rateRules },
    requestProtection,
  };
}

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, stable((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** A short, stable hash of the policy content, kept in the policy's freeform tags. */
export function wafPolicyHash(content: WafPolicyContent): string {
  return createHash('sha256').update(JSON.stringify(stable(content))).digest('hex').slice(0, 16);
}

/** ISO 3166-1 alpha-2 shape (the CRD checks the same; the controller checks again before calling OCI). */
const COUNTRY_CODE = /^[A-Z]{2}$/;

/** The user's mistakes in a WAF spec, as messages naming the field; empty when the spec is usable. */
export function validateWafSpec(spec: WafSpec): string[] {
  const errors: string[] = [];
  for (const [field, list] of [['allow', spec.countries?.allow], ['deny', spec.countries?.deny]] as const) {
    for (const code of list ?? []) {
      if (!COUNTRY_CODE.test(code)) errors.push(`waf.countries.${field}: "${code}" is not an ISO 3166-1 alpha-2 country code`);
    }
  }
  if (spec.countries?.allow && spec.countries.deny) errors.push('waf.countries: set allow or deny, not both');
  if (spec.rateLimit && !(Number.isInteger(spec.rateLimit.requestsPerMinute) && spec.rateLimit.requestsPerMinute >= 1)) {
    errors.push(`waf.rateLimit.requestsPerMinute: ${spec.rateLimit.requestsPerMinute} must be a positive integer`);
  }
  for (const p of spec.protections ?? []) {
    if (!(WAF_PROTECTIONS as readonly string[]).includes(p)) errors.push(`waf.protections: unknown protection "${p}"`);
  }
  return errors;
}
