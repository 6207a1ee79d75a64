/**
 * Shipping's subscriptions: `order.invoiced` books a parcel, `carrier.update.validated` becomes a
 * checkpoint, `user.registered` leaves an e-mail hash for the lookup form. A second group follows
 * shipping's own events to drop cached views once the change is committed.
 */
import { UnprocessableEventError, type Service } from '../../kit/index.ts';
import type { CarrierAdapter } from '../domain/carrier.ts';
import { applyCarrierUpdate, rememberContact, shipInvoicedOrder, UnknownParcelError, type Publish } from '../domain/fulfilment.ts';
import type { TrackingReader } from '../domain/tracking-reader.ts';

/** Subscribes shipping's consumer groups (named after the service, so tests can run their own). */
export async function registerHandlers(
  svc: Service,
  deps: { carrier: CarrierAdapter; pepper: Buffer; reader: TrackingReader; trackingLink?: (shipmentId: string) => string },
): Promise<void> {
  await svc.events.subscribe(svc.name, {
    'order.invoiced': async (event, ctx) => {
      const shipmentId = await shipInvoicedOrder(ctx.tx, event.data, {
        carrier: deps.carrier, pepper: deps.pepper, publish: ctx.publish as Publish,
        ...(deps.trackingLink ? { trackingLink: deps.trackingLink } : {}),
      });
      ctx.log.info({ orderId: event.data.orderId, shipmentId }, shipmentId ? 'shipment created' : 'order already shipped');
    },
    'carrier.update.validated': async (event, ctx) => {
      try {
        const shipmentId = await applyCarrierUpdate(ctx.tx, event.data, ctx.publish as Publish);
        // Dropped here for read-your-writes in this process; the cache group drops it again after commit.
        if (shipmentId) await deps.reader.invalidate(shipmentId);
        ctx.log.info({ shipmentId, updateId: event.data.updateId, status: event.data.status }, shipmentId ? 'checkpoint recorded' : 'checkpoint seen before');
      } catch (err) {
        if (err instanceof UnknownParcelError) throw new UnprocessableEventError(err.message, { cause: err });
        throw err;
      }
    },
    'user.registered': async (event, ctx) => {
      await rememberContact(ctx.tx, event.data, deps.pepper);
    },
  });

  const drop = async (event: { data: { shipmentId: string } }) => {
    await deps.reader.invalidate(event.data.shipmentId);
  };
  await svc.events.subscribe(`${svc.name}-cache`, {
    'shipment.created': drop,
    'shipment.checkpoint': drop,
    'shipment.delivered': drop,
  });
}
