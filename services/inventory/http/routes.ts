/**
 * Inventory routes: read a SKU's stock (anyone), set or adjust it (admins), read an order's
 * reservation (admins). Every change publishes `stock.changed` through the outbox.
 */
import { Router } from 'express';
import { z } from 'zod';
import { validated, type Service } from '../../kit/index.ts';
import { adjustAvailable, findReservation, findStock, setAvailable } from '../data/stock-repo.ts';
import { inventoryErrors } from './errors.ts';

const MAX_UNITS = 1_000_000_000;
const skuParams = z.object({ sku: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore') });
const setBody = z.object({ available: z.number().int().min(0).max(MAX_UNITS) }).strict();
const adjustBody = z
  .object({ delta: z.number().int().min(-MAX_UNITS).max(MAX_UNITS).refine((d) => d !== 0, 'must not be zero') })
  .strict();
const orderParams = z.object({ orderId: z.string().min(1).max(128) });

/** Registers the routes on the service's app. */
export function registerInventoryRoutes(svc: Service): void {
  const auth = svc.auth;
  if (!auth) throw new Error('inventory needs auth');
  const admin = [auth.authenticate(), auth.requireRoles('admin')];
  const router = Router();

  router.get(
    '/stock/:sku',
    validated({ params: skuParams }, async ({ params }, _req, res) => {
      const level = await findStock(svc.db, params.sku);
      if (!level) throw inventoryErrors.sku_not_found(`no stock record for ${params.sku}`);
      res.json(level);
    }),
  );

  router.put(
    '/stock/:sku',
    ...admin,
    validated({ params: skuParams, body: setBody }, async ({ params, body }, _req, res) => {
      const result = await svc.db.tx(async (tx) => {
        const r = await setAvailable(tx, params.sku, body.available);
        await svc.events.publish(tx, { type: 'stock.changed', data: { sku: r.level.sku, available: r.level.available } });
        return r;
      });
      svc.events.relay?.wake();
      svc.log.info({ sku: params.sku, available: body.available }, 'stock set');
      res.status(result.created ? 201 : 200).json(result.level);
    }),
  );

  router.post(
    '/stock/:sku/adjustments',
    ...admin,
    validated({ params: skuParams, body: adjustBody }, async ({ params, body }, _req, res) => {
      const level = await svc.db.tx(async (tx) => {
        const r = await adjustAvailable(tx, params.sku, body.delta);
        if (r === undefined) throw inventoryErrors.sku_not_found(`no stock record for ${params.sku}`);
        if (r === 'negative') throw inventoryErrors.stock_would_be_negative(`adjusting ${params.sku} by ${body.delta} goes below zero`);
        await svc.events.publish(tx, { type: 'stock.changed', data: { sku: r.sku, available: r.available } });
        return r;
      });
      svc.events.relay?.wake();
      res.json(level);
    }),
  );

  router.get(
    '/reservations/:orderId',
    ...admin,
    validated({ params: orderParams }, async ({ params }, _req, res) => {
      const r = await findReservation(svc.db, params.orderId);
      if (!r) throw inventoryErrors.reservation_not_found();
      res.json(r);
    }),
  );

  svc.app.use('/api/inventory', router);
}
