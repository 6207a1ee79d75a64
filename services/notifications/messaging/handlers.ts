/**
 * Notifications' subscriptions: each event becomes a queued notification (the dispatcher sends it).
 * The inbox makes a redelivered event a no-op; the (event id, template) key does too.
 */
import { UnprocessableEventError, type Service } from '../../kit/index.ts';
import { queueIntent } from '../domain/rules.ts';
import { rememberShipment, shipmentOwner, upsertRecipient } from '../data/notifications-repo.ts';

/** Subscribes group `<service name>`. */
export async function registerHandlers(svc: Service, channel: string): Promise<void> {
  await svc.events.subscribe(svc.name, {
    'user.registered': async (event, ctx) => {
      await upsertRecipient(ctx.tx, event.data.userId, event.data.email, event.data.name);
      await queueIntent(ctx.tx, { eventId: event.id, template: 'welcome', customerId: event.data.userId, params: {} }, channel);
    },
    'order.confirmed': async (event, ctx) => {
      const d = event.data;
      await queueIntent(ctx.tx, { eventId: event.id, template: 'order_confirmed', customerId: d.customerId, params: { orderId: d.orderId, total: d.total } }, channel);
    },
    'order.cancelled': async (event, ctx) => {
      const d = event.data;
      await queueIntent(ctx.tx, { eventId: event.id, template: 'order_cancelled', customerId: d.customerId, params: { orderId: d.orderId, reason: d.reason } }, channel);
    },
    'shipment.created': async (event, ctx) => {
      const d = event.data;
      await rememberShipment(ctx.tx, d.shipmentId, d.orderId, d.customerId);
      const params = { orderId: d.orderId, shipmentId: d.shipmentId, carrier: d.carrier, trackingCode: d.trackingCode };
      await queueIntent(ctx.tx, { eventId: event.id, template: 'shipment_created', customerId: d.customerId, params }, channel);
    },
    'shipment.checkpoint': async (event, ctx) => {
      const d = event.data;
      const customerId = await shipmentOwner(ctx.tx, d.shipmentId);
      // shipment.created comes first on the same partition (key = shipment id), so an unknown owner
      // means this group never saw the shipment: retrying cannot help.
      if (!customerId) throw new UnprocessableEventError(`owner of shipment ${d.shipmentId} is not known`);
      const params = { orderId: d.orderId, status: d.status, occurredAt: d.occurredAt, ...(d.location ? { location: d.location } : {}) };
      await queueIntent(ctx.tx, { eventId: event.id, template: 'shipment_checkpoint', customerId, params, optIn: 'shipmentUpdates' }, channel);
    },
  });
}
