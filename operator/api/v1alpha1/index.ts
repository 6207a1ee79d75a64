/**
 * The public surface of `vitrine.dev/v1alpha1`: the types, their constants and the CRD
 * descriptions (`CRD_KINDS`) that scripts/gen-crds.ts turns into crds/*.yaml.
 */
import { GROUP, VERSION } from './common-types.ts';
import type { AnySchema, JsonSchema } from './schema.ts';
import { SHOP_GATEWAY_KIND, SHOP_GATEWAY_PLURAL, shopGatewaySpecSchema, shopGatewayStatusSchema } from './shop-gateway-types.ts';
import { SHOP_PLATFORM_KIND, SHOP_PLATFORM_PLURAL, shopPlatformSpecSchema, shopPlatformStatusSchema } from './shop-platform-types.ts';
import { SHOP_SERVICE_KIND, SHOP_SERVICE_PLURAL, shopServiceSpecSchema, shopServiceStatusSchema } from './shop-service-types.ts';

export * from './common-types.ts';
export * from './shop-gateway-types.ts';
export * from './shop-platform-types.ts';
export * from './shop-service-types.ts';
export type { CelRule, Infer, JsonSchema } from './schema.ts';

/** A printer column of `kubectl get`. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

/** What the CRD generator needs to know about one kind. */
export interface CrdKind {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly description: string;
  readonly spec: AnySchema;
  readonly status: AnySchema;
  readonly printerColumns: readonly PrinterColumn[];
  /** Scale subresource paths, for kinds `kubectl scale` works on. */
  readonly scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string };
}

const READY_COLUMN: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether every child is ready',
};
const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const REASON_COLUMN: PrinterColumn = {
  name: 'Reason',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
  priority: 1,
};

/** The three kinds, in the order they are documented. */
export const CRD_KINDS: readonly CrdKind[] = [
  {
    kind: SHOP_PLATFORM_KIND,
    plural: SHOP_PLATFORM_PLURAL,
    singular: 'shopplatform',
    shortNames: ['splat'],
    description: 'The shared ground of a namespace: Kafka, topics, secrets, OCI settings, service defaults.',
    spec: shopPlatformSpecSchema,
    status: shopPlatformStatusSchema,
    printerColumns: [
      READY_COLUMN,
      { name: 'Services', type: 'string', jsonPath: '.status.servicesReady', description: 'Ready / total ShopServices' },
      AGE_COLUMN,
      REASON_COLUMN,
    ],
  },
  {
    kind: SHOP_SERVICE_KIND,
    plural: SHOP_SERVICE_PLURAL,
    singular: 'shopservice',
    shortNames: ['ssvc'],
    description: 'One service of the shop and how it runs: image, port, resources, autoscaling, events.',
    spec: shopServiceSpecSchema,
    status: shopServiceStatusSchema,
    printerColumns: [
      READY_COLUMN,
      { name: 'Replicas', type: 'integer', jsonPath: '.status.replicas', description: 'Replicas of the Deployment' },
      { name: 'Image', type: 'string', jsonPath: '.spec.image' },
      AGE_COLUMN,
      { name: 'Component', type: 'string', jsonPath: '.spec.component', priority: 1 },
      REASON_COLUMN,
    ],
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  },
  {
    kind: SHOP_GATEWAY_KIND,
    plural: SHOP_GATEWAY_PLURAL,
    singular: 'shopgateway',
    shortNames: ['sgw'],
    description: 'The edge of the shop: hosts, routes, redirects, TLS, the OCI load balancer and WAF.',
    spec: shopGatewaySpecSchema,
    status: shopGatewayStatusSchema,
    printerColumns: [
      READY_COLUMN,
      { name: 'Address', type: 'string', jsonPath: '.status.address' },
      { name: 'WAF', type: 'string', jsonPath: '.status.conditions[?(@.type=="WafReady")].status' },
      AGE_COLUMN,
      REASON_COLUMN,
    ],
  },
];

/** Builds the CustomResourceDefinition object of one kind. */
export function customResourceDefinition(k: CrdKind): Record<string, unknown> {
  const openAPIV3Schema: JsonSchema = {
    type: 'object',
    description: k.description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: k.spec.json,
      status: k.status.json,
    },
  };
  const subresources: Record<string, unknown> = { status: {} };
  if (k.scale) subresources.scale = { ...k.scale };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'vitrine' } },
    spec: {
      group: GROUP,
      names: { kind: k.kind, listKind: `${k.kind}List`, plural: k.plural, singular: k.singular, shortNames: [...k.shortNames], categories: ['vitrine'] },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema },
          subresources,
          additionalPrinterColumns: k.printerColumns.map((c) => ({ ...c })),
        },
      ],
    },
  };
}
