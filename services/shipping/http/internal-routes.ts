/**
 * Service-to-service routes (not mapped by the gateway): a fresh tracking link for a shipment or an
 * order, for notifications and orders. Guarded by a bearer token when INTERNAL_API_TOKEN is set.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Express, RequestHandler } from 'express';
import { kitErrors } from '../../kit/index.ts';
import type { Queryable } from '../../kit/index.ts';
import type { TrackingReader } from '../domain/tracking-reader.ts';
import { findShipmentByOrder } from '../data/shipments-repo.ts';
import { trackingErrors } from './tracking-routes.ts';

function requireInternalToken(token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return (req, _res, next) => {
    if (!expected) {
      next();
      return;
    }
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw kitErrors.unauthorized('internal token required');
    next();
  };
}

/** Registers `/internal/...` on `app`. */
export function registerInternalRoutes(app: Express, deps: { reader: TrackingReader; db: Queryable; baseUrl: string; internalToken?: string }): void {
  const guard = requireInternalToken(deps.internalToken);
  const answer = (shipmentId: string, token: string) => ({ shipmentId, trackingUrl: `${deps.baseUrl}/?h=${token}` });

  app.get('/internal/shipments/:id/tracking-link', guard, async (req, res) => {
    const id = String(req.params.id);
    const token = await deps.reader.tokenFor(id);
    if (!token) throw trackingErrors.tracking_not_found(`no shipment ${id}`);
    res.json(answer(id, token));
  });

  app.get('/internal/orders/:orderId/tracking-link', guard, async (req, res) => {
    const orderId = String(req.params.orderId);
    const shipment = await findShipmentByOrder(deps.db, orderId);
    const token = shipment ? await deps.reader.tokenFor(shipment.id) : undefined;
    if (!shipment || !token) throw trackingErrors.tracking_not_found(`no shipment for order ${orderId}`);
    res.json(answer(shipment.id, token));
  });
}
