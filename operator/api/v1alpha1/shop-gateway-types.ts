/**
 * ShopGateway: the edge of the shop. Hosts, routes to ShopServices, redirects, TLS, the OCI load
 * balancer (through the cloud controller's Service annotations) and the OCI WAF policy.
 * The controller lives in operator/controllers/shop-gateway-controller.ts.
 */
import { DNS_LABEL_PATTERN, conditionsSchema, type CustomObject } from './common-types.ts';
import { s, type Infer } from './schema.ts';

/** Kind name. */
export const SHOP_GATEWAY_KIND = 'ShopGateway';
/** Resource (plural) name. */
export const SHOP_GATEWAY_PLURAL = 'shopgateways';

/** Protections a WAF policy can turn on. */
export const WAF_PROTECTIONS = ['sqli', 'xss', 'rce', 'lfi', 'rfi', 'protocol'] as const;
/** HTTP methods a WAF policy can allow. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Defaults the API server fills in; the controller uses the same values when a field is absent. */
export const SHOP_GATEWAY_DEFAULTS = {
  shape: 'flexible',
  minBandwidthMbps: 10,
  maxBandwidthMbps: 100,
  internal: false,
  lbType: 'lb',
  wafEnabled: true,
  wafMode: 'Block',
  redirectCode: 302,
  deletionPolicy: 'Delete',
} as const;

const HOSTNAME = s.string({
  pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  maxLength: 253,
});
const OCID = s.string({ pattern: '^ocid1\\.[a-z0-9]+\\.[a-z0-9.\\-_]+$', maxLength: 255 });
const COUNTRY_LIST = s
  .array(s.string({ maxLength: 8 }), { minItems: 1, maxItems: 250, listType: 'set' })
  .rules({
    rule: "self.all(c, c.matches('^[A-Z]{2}$'))",
    message: 'country codes must be ISO 3166-1 alpha-2: two upper-case letters such as BR or US',
  });

const routeSchema = s.object({
  host: HOSTNAME.optional().describe('Host the route applies to; all hosts when absent.'),
  pathPrefix: s.string({ pattern: '^/', maxLength: 1024 }),
  service: s.string({ pattern: DNS_LABEL_PATTERN, maxLength: 63 }).describe('Name of a ShopService in the namespace.'),
  stripPrefix: s.boolean().optional(),
});

const redirectSchema = s.object({
  host: HOSTNAME.optional(),
  path: s.string({ pattern: '^/', maxLength: 1024 }),
  to: s.string({ minLength: 1, maxLength: 2048 }).describe('Target URL or path; the query string is kept.'),
  code: s.integer().default(SHOP_GATEWAY_DEFAULTS.redirectCode).rules({
    rule: 'self in [301, 302, 307, 308]',
    message: 'redirect code must be one of 301, 302, 307, 308',
  }),
});

const loadBalancerSchema = s
  .object({
    type: s.enum(['lb', 'nlb'] as const).default(SHOP_GATEWAY_DEFAULTS.lbType).describe('lb: L7 load balancer; nlb: network load balancer.'),
    shape: s.enum(['flexible'] as const).default(SHOP_GATEWAY_DEFAULTS.shape),
    minBandwidthMbps: s.integer({ minimum: 10, maximum: 8000 }).default(SHOP_GATEWAY_DEFAULTS.minBandwidthMbps),
    maxBandwidthMbps: s.integer({ minimum: 10, maximum: 8000 }).default(SHOP_GATEWAY_DEFAULTS.maxBandwidthMbps),
    internal: s.boolean().default(SHOP_GATEWAY_DEFAULTS.internal),
    subnetIds: s.array(OCID, { maxItems: 2, listType: 'atomic' }).optional(),
    nsgIds: s.array(OCID, { maxItems: 5, listType: 'set' }).optional(),
  })
  .rules({
    rule: 'self.maxBandwidthMbps >= self.minBandwidthMbps',
    message: 'loadBalancer.maxBandwidthMbps must be greater than or equal to loadBalancer.minBandwidthMbps',
    fieldPath: '.maxBandwidthMbps',
  });

const wafSchema = s
  .object({
    enabled: s.boolean().default(SHOP_GATEWAY_DEFAULTS.wafEnabled),
    mode: s.enum(['Detect', 'Block'] as const).default(SHOP_GATEWAY_DEFAULTS.wafMode),
    protections: s.array(s.enum(WAF_PROTECTIONS), { maxItems: 6, listType: 'set' }).optional(),
    rateLimit: s.object({ requestsPerMinute: s.integer({ minimum: 1, maximum: 1000000 }) }).optional(),
    countries: s
      .object({ allow: COUNTRY_LIST.optional(), deny: COUNTRY_LIST.optional() })
      .rules({ rule: '!(has(self.allow) && has(self.deny))', message: 'waf.countries: set allow or deny, not both' })
      .optional(),
    maxBodyBytes: s.integer({ minimum: 1, maximum: 134217728 }).optional(),
    allowedMethods: s.array(s.enum(HTTP_METHODS), { maxItems: 7, listType: 'set' }).optional(),
  })
  .describe('OCI Web Application Firewall policy bound to the load balancer.');

/** Schema of `ShopGateway.spec`. */
export const shopGatewaySpecSchema = s
  .object({
    hosts: s.array(HOSTNAME, { minItems: 1, maxItems: 16, listType: 'set' }),
    routes: s.array(routeSchema, { maxItems: 128, listType: 'atomic' }).optional(),
    redirects: s.array(redirectSchema, { maxItems: 64, listType: 'atomic' }).optional(),
    tls: s.object({ secretName: s.string({ pattern: DNS_LABEL_PATTERN, maxLength: 253 }) }).optional(),
    // A default must pass the CEL rules as written (nested defaults are not applied to it first).
    loadBalancer: loadBalancerSchema.default({
      type: SHOP_GATEWAY_DEFAULTS.lbType,
      shape: SHOP_GATEWAY_DEFAULTS.shape,
      minBandwidthMbps: SHOP_GATEWAY_DEFAULTS.minBandwidthMbps,
      maxBandwidthMbps: SHOP_GATEWAY_DEFAULTS.maxBandwidthMbps,
      internal: SHOP_GATEWAY_DEFAULTS.internal,
    }),
    waf: wafSchema.optional(),
    ociCompartmentId: OCID.optional().describe("Compartment of the WAF resources; the ShopPlatform's when absent."),
    deletionPolicy: s.enum(['Delete', 'Retain'] as const).default(SHOP_GATEWAY_DEFAULTS.deletionPolicy),
  })
  .rules({
    rule: "!has(self.waf) || !self.waf.enabled || self.loadBalancer.type == 'lb'",
    message: 'waf requires loadBalancer.type lb: an OCI WAF binds to an L7 load balancer with HTTP listeners',
    fieldPath: '.waf',
  });

const workRequestSchema = s.object({
  id: s.string(),
  operation: s.string(),
  status: s.string(),
  percentComplete: s.number({ minimum: 0, maximum: 100 }).optional(),
});

/** Schema of `ShopGateway.status`. */
export const shopGatewayStatusSchema = s.object({
  observedGeneration: s.integer({ minimum: 0 }).optional(),
  conditions: conditionsSchema,
  address: s.string().optional().describe('Address of the load balancer.'),
  lbOcid: s.string().optional(),
  wafPolicyOcid: s.string().optional(),
  wafOcid: s.string().optional(),
  workRequest: workRequestSchema.optional().describe('OCI work request in progress, if any.'),
});

/** Spec of a ShopGateway. */
export type ShopGatewaySpec = Infer<typeof shopGatewaySpecSchema>;
/** Status of a ShopGateway. */
export type ShopGatewayStatus = Infer<typeof shopGatewayStatusSchema>;
/** A ShopGateway object. */
export type ShopGateway = CustomObject<ShopGatewaySpec, ShopGatewayStatus>;
