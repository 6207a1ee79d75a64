/**
 * The event catalog as code (DESIGN.md §4): every event's name (a past-tense fact), its topic
 * (`vitrine.<producing domain>`), its JSON schema (zod) and its key (the aggregate id, so that one
 * aggregate's events stay in order on one partition). Shared by services and the operator.
 */
import { z } from 'zod';

const id = z.string().min(1).max(128);
const sku = z.string().min(1).max(64);
const isoTime = z.iso.datetime({ offset: true });

/** Money in integer minor units plus an ISO 4217 currency. */
export const moneySchema = z.object({ amount: z.number().int(), currency: z.string().regex(/^[A-Z]{3}$/) });
/** A postal address. */
export const addressSchema = z.object({
  name: z.string().min(1).max(200),
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  city: z.string().min(1).max(100),
  state: z.string().max(100).optional(),
  postalCode: z.string().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/),
});
const orderLine = z.object({ sku, quantity: z.number().int().positive(), unitPrice: moneySchema });
const stockLine = z.object({ sku, quantity: z.number().int().positive() });

/** One entry of the catalog. */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** Topic the event is published on. */
  readonly topic: string;
  /** Schema of the event's data (the Kafka value). */
  readonly schema: S;
  /** Partition key: the aggregate id taken from the data. */
  key(data: z.infer<S>): string;
}

function define<S extends z.ZodType>(topic: string, schema: S, key: (data: z.infer<S>) => string): EventDefinition<S> {
  return Object.freeze({ topic: `vitrine.${topic}`, schema, key });
}

/** The catalog. Add an event here (and nowhere else) to make it publishable and consumable. */
export const catalog = {
  'user.registered': define('identity', z.object({ userId: id, email: z.email(), name: z.string().min(1).max(200) }), (d) => d.userId),
  'product.updated': define(
    'catalog',
    z.object({ sku, name: z.string().min(1).max(300), price: moneySchema, active: z.boolean() }),
    (d) => d.sku,
  ),
  'stock.changed': define('inventory', z.object({ sku, available: z.number().int().min(0) }), (d) => d.sku),
  'order.placed': define(
    'orders',
    z.object({
      orderId: id,
      customerId: id,
      items: z.array(orderLine).min(1),
      total: moneySchema,
      payment: z.object({ method: z.literal('card'), token: z.string().min(1).max(512) }),
      shippingAddress: addressSchema,
    }),
    (d) => d.orderId,
  ),
  'inventory.reserved': define(
    'inventory',
    z.object({ orderId: id, reservationId: id, items: z.array(stockLine).min(1), expiresAt: isoTime }),
    (d) => d.orderId,
  ),
  'inventory.rejected': define(
    'inventory',
    z.object({
      orderId: id,
      reason: z.string().max(500),
      shortages: z.array(z.object({ sku, requested: z.number().int(), available: z.number().int() })).default([]),
    }),
    (d) => d.orderId,
  ),
  'inventory.released': define(
    'inventory',
    z.object({ orderId: id, reservationId: id, reason: z.enum(['cancelled', 'expired', 'payment_failed']) }),
    (d) => d.orderId,
  ),
  'payment.authorized': define('payments', z.object({ orderId: id, paymentId: id, amount: moneySchema }), (d) => d.orderId),
  'payment.failed': define('payments', z.object({ orderId: id, paymentId: id.optional(), reason: z.string().max(500) }), (d) => d.orderId),
  'payment.refunded': define('payments', z.object({ orderId: id, paymentId: id, amount: moneySchema }), (d) => d.orderId),
  'order.confirmed': define('orders', z.object({ orderId: id, customerId: id, total: moneySchema }), (d) => d.orderId),
  'order.cancelled': define('orders', z.object({ orderId: id, customerId: id, reason: z.string().max(500) }), (d) => d.orderId),
  'order.invoiced': define(
    'orders',
    z.object({
      orderId: id,
      invoiceId: id,
      customerId: id,
      items: z.array(orderLine).min(1),
      total: moneySchema,
      shippingAddress: addressSchema,
    }),
    (d) => d.orderId,
  ),
  'shipment.created': define(
    'shipping',
    z.object({
      shipmentId: id, orderId: id, customerId: id, carrier: z.string().min(1).max(64), trackingCode: z.string().min(1).max(64),
      /** The customer's signed tracking link (only shipping can sign it). */
      trackingUrl: z.url().max(2048).optional(),
    }),
    (d) => d.shipmentId,
  ),
  'shipment.checkpoint': define(
    'shipping',
    z.object({
      shipmentId: id,
      orderId: id,
      status: z.string().min(1).max(64),
      description: z.string().max(500).optional(),
      location: z.string().max(200).optional(),
      occurredAt: isoTime,
    }),
    (d) => d.shipmentId,
  ),
  'shipment.delivered': define('shipping', z.object({ shipmentId: id, orderId: id, customerId: id, deliveredAt: isoTime }), (d) => d.shipmentId),
  // Carrier updates are keyed by tracking code: one parcel's updates stay in order through the choreography.
  'carrier.update.received': define(
    'integrations',
    z.object({ updateId: id, carrier: z.string().min(1).max(64), trackingCode: z.string().min(1).max(64), payload: z.record(z.string(), z.unknown()), receivedAt: isoTime }),
    (d) => d.trackingCode,
  ),
  'carrier.update.validated': define(
    'integrations',
    z.object({
      updateId: id,
      carrier: z.string().min(1).max(64),
      trackingCode: z.string().min(1).max(64),
      status: z.string().min(1).max(64),
      description: z.string().max(500).optional(),
      location: z.string().max(200).optional(),
      occurredAt: isoTime,
    }),
    (d) => d.trackingCode,
  ),
  'notification.sent': define(
    'notifications',
    z.object({ notificationId: id, customerId: id.optional(), channel: z.enum(['log', 'email', 'webhook']), template: z.string().min(1).max(100) }),
    (d) => d.notificationId,
  ),
  'notification.failed': define(
    'notifications',
    z.object({ notificationId: id, customerId: id.optional(), channel: z.enum(['log', 'email', 'webhook']), template: z.string().min(1).max(100), reason: z.string().max(500) }),
    (d) => d.notificationId,
  ),
} as const;

/** A catalog type such as `order.placed`. */
export type EventType = keyof typeof catalog;
/** The data of an event type. */
export type EventData<T extends EventType> = z.infer<(typeof catalog)[T]['schema']>;

/** Every event type. */
export const eventTypes = Object.keys(catalog) as EventType[];

/** True when `type` is in the catalog. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(catalog, type);
}

/** The distinct topics of the catalog, sorted. */
export function catalogTopics(): string[] {
  return [...new Set(Object.values(catalog).map((d) => d.topic))].sort();
}

/** Retry topic of a consumer group for a topic: `<topic>.<group>.retry`. */
export function retryTopic(topic: string, group: string): string {
  return `${topic}.${group}.retry`;
}

/** Dead-letter topic of a consumer group for a topic: `<topic>.<group>.dlq`. */
export function deadLetterTopic(topic: string, group: string): string {
  return `${topic}.${group}.dlq`;
}
