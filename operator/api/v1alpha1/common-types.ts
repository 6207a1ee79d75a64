/**
 * Pieces shared by the three kinds of `vitrine.dev/v1alpha1`: the group/version constants, the
 * condition type (the shape of metav1.Condition) and the object envelope.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { s, type Infer } from './schema.ts';

/** API group of every Vitrine custom resource. */
export const GROUP = 'vitrine.dev';
/** The one served and stored version. */
export const VERSION = 'v1alpha1';
/** `apiVersion` of Vitrine objects. */
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Annotation that stops reconciliation of one object while set to "true". */
export const PAUSED_ANNOTATION = 'vitrine.dev/paused';

/** A Kubernetes-style condition (metav1.Condition). */
export const conditionSchema = s.object({
  type: s.string({ pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$', maxLength: 316 }),
  status: s.enum(['True', 'False', 'Unknown'] as const),
  observedGeneration: s.integer({ minimum: 0 }).optional(),
  lastTransitionTime: s.string({ format: 'date-time' }),
  reason: s.string({ pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$', maxLength: 1024, minLength: 1 }),
  message: s.string({ maxLength: 32768 }),
});

/** A condition as stored in status. */
export type Condition = Infer<typeof conditionSchema>;

/** `status.conditions`, a list map keyed by type as Kubernetes API conventions ask. */
export const conditionsSchema = s
  .array(conditionSchema, { listType: 'map', listMapKeys: ['type'], maxItems: 32 })
  .optional()
  .describe('Current state of the object; `Ready` sums up the specific conditions.');

/** A reference to a key of a Secret in the same namespace. */
export const secretKeyRefSchema = s.object({
  name: s.string({ minLength: 1, maxLength: 253 }).describe('Name of the Secret in the same namespace.'),
  key: s.string({ minLength: 1, maxLength: 253 }).optional().describe('Key inside the Secret.'),
});

/** A reference to a Secret in the same namespace. */
export type SecretKeyRef = Infer<typeof secretKeyRefSchema>;

/** The envelope every custom resource shares. */
export interface CustomObject<Spec, Status> {
  apiVersion: typeof API_VERSION;
  kind: string;
  metadata: V1ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** The ten components of the shop (one container image, the command picks one). */
export const COMPONENTS = [
  'gateway',
  'identity',
  'catalog',
  'cart',
  'orders',
  'inventory',
  'payments',
  'shipping',
  'notifications',
  'integrations',
] as const;

/** One of the shop's components. */
export type Component = (typeof COMPONENTS)[number];

/** A DNS-1123 label (names of ShopServices and other children). */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
