/**
 * ShopPlatform: the shared ground of a namespace (Kafka, topics, database and cache secrets, OCI
 * settings, service defaults). The operator checks Kafka, ensures the event catalog's topics with
 * retry and dead-letter topics, and sums up the namespace's ShopServices.
 */
import { conditionsSchema, secretKeyRefSchema, type CustomObject } from './common-types.ts';
import { s, type Infer } from './schema.ts';

/** Kind name. */
export const SHOP_PLATFORM_KIND = 'ShopPlatform';
/** Resource (plural) name. */
export const SHOP_PLATFORM_PLURAL = 'shopplatforms';

/** Defaults the API server fills in; the controller uses the same values when a field is absent. */
export const SHOP_PLATFORM_DEFAULTS = {
  partitions: 3,
  replicationFactor: 1,
  retentionHours: 168,
  topicPrefix: 'vitrine',
  deletionPolicy: 'Retain',
} as const;

const kafkaSchema = s
  .object({
    bootstrapServers: s
      .array(s.string({ pattern: '^[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}$', maxLength: 300 }), { minItems: 1, maxItems: 16 })
      .describe('Broker addresses as host:port.'),
    tls: s.boolean().optional(),
    sasl: s
      .object({
        mechanism: s.enum(['plain', 'scram-sha-256', 'scram-sha-512'] as const),
        secretRef: secretKeyRefSchema.describe('Secret with `username` and `password` keys.'),
      })
      .optional(),
  })
  .describe('Kafka (or OCI Streaming) connection.');

const topicsSchema = s
  .object({
    prefix: s.string({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 40 }).default(SHOP_PLATFORM_DEFAULTS.topicPrefix),
    partitions: s.integer({ minimum: 1, maximum: 1000 }).default(SHOP_PLATFORM_DEFAULTS.partitions),
    replicationFactor: s.integer({ minimum: 1, maximum: 7 }).default(SHOP_PLATFORM_DEFAULTS.replicationFactor),
    retentionHours: s.integer({ minimum: 1, maximum: 87600 }).default(SHOP_PLATFORM_DEFAULTS.retentionHours),
    deletionPolicy: s
      .enum(['Retain', 'Delete'] as const)
      .default(SHOP_PLATFORM_DEFAULTS.deletionPolicy)
      .describe('What happens to the topics when the ShopPlatform is deleted.'),
  })
  .describe('Settings of the event catalog topics.');

const ociSchema = s
  .object({
    region: s.string({ pattern: '^[a-z]+-[a-z]+-[0-9]+$', maxLength: 64 }),
    compartmentId: s.string({ pattern: '^ocid1\\.compartment\\.[a-z0-9.\\-_]+$', maxLength: 255 }),
    auth: s.enum(['apiKey', 'instancePrincipal', 'workloadIdentity'] as const).default('workloadIdentity'),
    apiKeySecretRef: secretKeyRefSchema.optional().describe('Secret with the API key (auth: apiKey).'),
  })
  .rules({
    rule: "self.auth != 'apiKey' || has(self.apiKeySecretRef)",
    message: 'oci.apiKeySecretRef is required when oci.auth is apiKey',
    fieldPath: '.apiKeySecretRef',
  });

/** Schema of `ShopPlatform.spec`. */
export const shopPlatformSpecSchema = s.object({
  kafka: kafkaSchema,
  topics: topicsSchema.default({}),
  postgres: s.object({ secretRef: secretKeyRefSchema }).optional().describe('Secret holding DATABASE_URL.'),
  redis: s.object({ secretRef: secretKeyRefSchema }).optional().describe('Secret holding REDIS_URL.'),
  oci: ociSchema.optional(),
  serviceDefaults: s
    .object({
      imagePullPolicy: s.enum(['Always', 'IfNotPresent', 'Never'] as const).optional(),
      env: s.map(s.string({ maxLength: 4096 })).optional(),
    })
    .optional()
    .describe('Defaults applied to every ShopService of the namespace.'),
});

/** Schema of `ShopPlatform.status`. */
export const shopPlatformStatusSchema = s.object({
  observedGeneration: s.integer({ minimum: 0 }).optional(),
  conditions: conditionsSchema,
  kafka: s
    .object({ brokers: s.integer({ minimum: 0 }), clusterId: s.string().optional() })
    .optional()
    .describe('What the Kafka admin API reported.'),
  topics: s.array(s.string(), { maxItems: 1000 }).optional().describe('Topics the operator ensured.'),
  services: s
    .object({ ready: s.integer({ minimum: 0 }), total: s.integer({ minimum: 0 }) })
    .optional()
    .describe("The namespace's ShopServices, ready and total."),
  servicesReady: s.string().optional().describe('The same as "ready/total", for the printer column.'),
});

/** Spec of a ShopPlatform. */
export type ShopPlatformSpec = Infer<typeof shopPlatformSpecSchema>;
/** Status of a ShopPlatform. */
export type ShopPlatformStatus = Infer<typeof shopPlatformStatusSchema>;
/** A ShopPlatform object. */
export type ShopPlatform = CustomObject<ShopPlatformSpec, ShopPlatformStatus>;
