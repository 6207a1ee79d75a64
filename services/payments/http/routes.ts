/**
 * Payments routes: an order's payment, for admins (support and the saga's tests).
 */
import { Router } from 'express';
import { z } from 'zod';
import { defineErrors, validated, type Service } from '../../kit/index.ts';
import { findPayment } from '../data/payments-repo.ts';

/** Errors the payments routes raise. */
export const paymentErrors = defineErrors({ payment_not_found: { status: 404, title: 'No payment for this order' } });

const params = z.object({ orderId: z.string().min(1).max(128) });

/** Registers the routes on the service's app. */
export function registerPaymentRoutes(svc: Service): void {
  const auth = svc.auth;
  if (!auth) throw new Error('payments needs auth');
  const router = Router();
  router.use(auth.authenticate(), auth.requireRoles('admin'));
  router.get(
    '/:orderId',
    validated({ params }, async ({ params }, _req, res) => {
      const p = await findPayment(svc.db, params.orderId);
      if (!p) throw paymentErrors.payment_not_found();
      // The card token never leaves the service.
      res.json({ orderId: p.orderId, paymentId: p.paymentId, status: p.status, amount: p.amount ?? null, reason: p.reason });
    }),
  );
  svc.app.use('/api/payments', router);
}
