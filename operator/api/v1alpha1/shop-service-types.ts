/**
 * ShopService: one component of the shop as a platform team declares it. The operator turns it
 * into a Deployment, Service, ServiceAccount, HPA, PodDisruptionBudget, NetworkPolicy and ConfigMap.
 */
import { COMPONENTS, DNS_LABEL_PATTERN, conditionsSchema, type CustomObject } from './common-types.ts';
import { s, type Infer } from './schema.ts';

/** Kind name. */
export const SHOP_SERVICE_KIND = 'ShopService';
/** Resource (plural) name. */
export const SHOP_SERVICE_PLURAL = 'shopservices';

/** Defaults the API server fills in; the controller uses the same values when a field is absent. */
export const SHOP_SERVICE_DEFAULTS = {
  port: 8080,
  replicas: 1,
  minReplicas: 2,
  maxReplicas: 10,
  targetCPUUtilizationPercentage: 70,
  // Seeds: scale out after 2 minutes above target, scale in after 5 quiet minutes.
  scaleUpStabilizationSeconds: 120,
  scaleDownStabilizationSeconds: 300,
  lagThreshold: 100,
} as const;

const EVENT_NAME = s.string({ pattern: '^[a-z]+(\\.[a-z]+)+$', maxLength: 100 });

const envVarSchema = s
  .object({
    name: s.string({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 128 }),
    value: s.string({ maxLength: 4096 }).optional(),
    secretKeyRef: s
      .object({ name: s.string({ minLength: 1, maxLength: 253 }), key: s.string({ minLength: 1, maxLength: 253 }) })
      .optional(),
  })
  .rules({
    rule: 'has(self.value) != has(self.secretKeyRef)',
    message: 'env: set exactly one of value and secretKeyRef',
  });

const resourceListSchema = s.object({ cpu: s.quantity().optional(), memory: s.quantity().optional() });

const kafkaLagSchema = s
  .object({
    consumerGroup: s.string({ minLength: 1, maxLength: 249 }).describe('Consumer group whose lag drives scaling.'),
    topic: s.string({ minLength: 1, maxLength: 249 }).describe('Topic the group reads.'),
    lagThreshold: s.integer({ minimum: 1 }).default(SHOP_SERVICE_DEFAULTS.lagThreshold).describe('Target lag per replica.'),
  })
  .describe('Scale on Kafka consumer lag through a KEDA ScaledObject (needs KEDA installed).');

const autoscalingSchema = s
  .object({
    minReplicas: s.integer({ minimum: 1, maximum: 1000 }).default(SHOP_SERVICE_DEFAULTS.minReplicas),
    maxReplicas: s.integer({ minimum: 1, maximum: 1000 }).default(SHOP_SERVICE_DEFAULTS.maxReplicas),
    targetCPUUtilizationPercentage: s
      .integer({ minimum: 1, maximum: 100 })
      .default(SHOP_SERVICE_DEFAULTS.targetCPUUtilizationPercentage)
      .describe('Average CPU utilization (1-100) the HPA keeps.'),
    scaleUpStabilizationSeconds: s.integer({ minimum: 0, maximum: 3600 }).default(SHOP_SERVICE_DEFAULTS.scaleUpStabilizationSeconds),
    scaleDownStabilizationSeconds: s.integer({ minimum: 0, maximum: 3600 }).default(SHOP_SERVICE_DEFAULTS.scaleDownStabilizationSeconds),
    kafkaLag: kafkaLagSchema.optional(),
  })
  .rules({
    rule: 'self.minReplicas <= self.maxReplicas',
    message: 'autoscaling.minReplicas must be less than or equal to autoscaling.maxReplicas',
    fieldPath: '.minReplicas',
  })
  .describe('Horizontal autoscaling; while set, the HPA owns the replica count.');

const disruptionBudgetSchema = s
  .object({
    minAvailable: s.integer({ minimum: 0 }).optional(),
    maxUnavailable: s.integer({ minimum: 1 }).optional(),
  })
  .rules({
    rule: '!(has(self.minAvailable) && has(self.maxUnavailable))',
    message: 'disruptionBudget: set minAvailable or maxUnavailable, not both',
  });

/** Schema of `ShopService.spec`. */
export const shopServiceSpecSchema = s
  .object({
    component: s.enum(COMPONENTS).describe('Which service of the shop this is; it picks the command of the image.'),
    image: s.string({ minLength: 1, maxLength: 512 }).describe('Container image, required.'),
    port: s.integer({ minimum: 1, maximum: 65535 }).default(SHOP_SERVICE_DEFAULTS.port),
    replicas: s
      .integer({ minimum: 0, maximum: 1000 })
      .default(SHOP_SERVICE_DEFAULTS.replicas)
      .describe('Replica count when autoscaling is not set (`kubectl scale` writes it).'),
    resources: s.object({ requests: resourceListSchema.optional(), limits: resourceListSchema.optional() }).optional(),
    env: s.array(envVarSchema, { maxItems: 100, listType: 'map', listMapKeys: ['name'] }).optional(),
    config: s.map(s.string({ maxLength: 65536 })).optional().describe('Entries of the ConfigMap mounted as environment.'),
    autoscaling: autoscalingSchema.optional(),
    disruptionBudget: disruptionBudgetSchema.optional(),
    events: s
      .object({
        consumes: s.array(EVENT_NAME, { maxItems: 64, listType: 'set' }).optional(),
        publishes: s.array(EVENT_NAME, { maxItems: 64, listType: 'set' }).optional(),
      })
      .optional()
      .describe('Catalog events the service consumes and publishes.'),
    peers: s
      .array(s.string({ pattern: DNS_LABEL_PATTERN, maxLength: 63 }), { maxItems: 32, listType: 'set' })
      .optional()
      .describe('ShopServices allowed to call this one (NetworkPolicy ingress); the gateway always is.'),
    paused: s.boolean().optional().describe('Stops reconciliation, like the vitrine.dev/paused annotation.'),
  })
  .rules({
    rule: "self.image.trim() != ''",
    message: 'image must not be blank',
    fieldPath: '.image',
  });

/** Schema of `ShopService.status`. */
export const shopServiceStatusSchema = s.object({
  observedGeneration: s.integer({ minimum: 0 }).optional(),
  conditions: conditionsSchema,
  replicas: s.integer({ minimum: 0 }).optional().describe('Replicas of the Deployment (scale subresource reads it).'),
  readyReplicas: s.integer({ minimum: 0 }).optional(),
  updatedReplicas: s.integer({ minimum: 0 }).optional(),
  selector: s.string().optional().describe('Label selector of the pods, for the scale subresource.'),
  image: s.string().optional().describe('Image the Deployment runs.'),
});

/** Spec of a ShopService. */
export type ShopServiceSpec = Infer<typeof shopServiceSpecSchema>;
/** Status of a ShopService. */
export type ShopServiceStatus = Infer<typeof shopServiceStatusSchema>;
/** A ShopService object. */
export type ShopService = CustomObject<ShopServiceSpec, ShopServiceStatus>;
