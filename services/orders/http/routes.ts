/**
 * Orders routes: checkout with `Idempotency-Key`, reading one order (owner or admin), listing the
 * caller's orders, and cancelling before shipment.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { addressSchema, kitErrors, validated, type Principal, type Service } from '../../kit/index.ts';
import { advanceOrder, type SagaTimeouts } from '../domain/advance-order.ts';
import { CheckoutError, linesFromCart, requestFingerprint } from '../domain/checkout.ts';
import { IllegalTransitionError } from '../domain/order-status.ts';
import { findIdempotencyKey, findOrder, historyOf, insertIdempotencyKey, insertOrder, listOrders, type OrderRecord } from '../data/orders-repo.ts';
import type { CartClient } from './cart-client.ts';
import type { TrackingLinks } from './tracking-links.ts';
import { orderErrors } from './errors.ts';

/** Body of `POST /api/orders`. */
export const placeOrderBody = z.object({
  payment: z.object({ method: z.literal('card'), token: z.string().min(1).max(512) }),
  shippingAddress: addressSchema,
});

const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string({ error: 'the Idempotency-Key header is required' })
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
});
const idParams = z.object({ id: z.string().min(1).max(128) });
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  customerId: z.string().min(1).max(128).optional(),
});
const cancelBody = z.object({}).strict().optional();

/** What the routes need. */
export interface OrdersRouteDeps {
  readonly svc: Service;
  readonly cart: CartClient;
  readonly timeouts: SagaTimeouts;
  readonly trackingUrlTemplate: string | undefined;
  /** Signed links from shipping; tried before the template. */
  readonly trackingLinks?: TrackingLinks;
  /** Called after a checkout committed (metrics). */
  readonly onPlaced?: () => void;
}

function principalOf(req: Request): Principal {
  if (!req.principal) throw kitErrors.unauthorized('bearer token required');
  return req.principal;
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/** Registers the routes on the service's app. */
export function registerOrderRoutes(deps: OrdersRouteDeps): void {
  const { svc, cart, timeouts } = deps;
  const auth = svc.auth;
  if (!auth) throw new Error('orders needs auth');
  const router = Router();
  router.use(auth.authenticate());

  const visible = (order: OrderRecord | undefined, who: Principal): OrderRecord => {
    // Someone else's order is "not found", not "forbidden": ids must not be probed.
    if (!order || (order.customerId !== who.subject && !who.roles.includes('admin'))) throw orderErrors.order_not_found();
    return order;
  };

  const SHIPPABLE = new Set(['invoiced', 'shipped', 'delivered']);
  const trackingUrl = async (o: OrderRecord): Promise<string | undefined> => {
    // Shipping creates the shipment on order.invoiced, possibly before orders saw shipment.created.
    if (deps.trackingLinks && SHIPPABLE.has(o.status)) {
      const signed = await deps.trackingLinks(o.id);
      if (signed) return signed;
    }
    return deps.trackingUrlTemplate && o.trackingCode
      ? deps.trackingUrlTemplate.replaceAll('{trackingCode}', encodeURIComponent(o.trackingCode)).replaceAll('{carrier}', encodeURIComponent(o.carrier ?? ''))
      : undefined;
  };

  const replay = async (customerId: string, key: string, fingerprint: string) => {
    const existing = await findIdempotencyKey(svc.db, customerId, key);
    if (!existing) return undefined;
    if (existing.fingerprint !== fingerprint) throw orderErrors.idempotency_key_reused('this Idempotency-Key was used with another request body');
    const order = await findOrder(svc.db, existing.orderId);
    return order ? { id: order.id, status: order.status } : undefined;
  };

  router.post(
    '/',
    validated({ body: placeOrderBody, headers: idempotencyHeaders }, async ({ body, headers }, req, res) => {
      const who = principalOf(req);
      const key = headers['idempotency-key'];
      const fingerprint = requestFingerprint(body);
      const previous = await replay(who.subject, key, fingerprint);
      if (previous) {
        res.status(200).set('Idempotent-Replayed', 'true').location(`/api/orders/${previous.id}`).json(previous);
        return;
      }
      let lines;
      try {
        lines = linesFromCart(await cart.get(who.subject));
      } catch (err) {
        if (!(err instanceof CheckoutError)) throw err;
        if (err.code !== 'cart_empty') throw orderErrors.cart_not_orderable(err.message);
        // A twin request with this key may have just placed the order and emptied the cart.
        const twin = await replay(who.subject, key, fingerprint);
        if (!twin) throw orderErrors.cart_empty();
        res.status(200).set('Idempotent-Replayed', 'true').location(`/api/orders/${twin.id}`).json(twin);
        return;
      }
      const id = randomUUID();
      try {
        await svc.db.tx(async (tx) => {
          await insertOrder(tx, {
            id,
            customerId: who.subject,
            items: lines.items,
            total: lines.total,
            paymentMethod: body.payment.method,
            shippingAddress: body.shippingAddress,
            deadlineMs: timeouts.reservationMs,
          });
          // A concurrent request with the same key waits here on the primary key, then fails.
          await insertIdempotencyKey(tx, who.subject, key, fingerprint, id);
          await svc.events.publish(tx, {
            type: 'order.placed',
            data: {
              orderId: id,
              customerId: who.subject,
              items: lines.items.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })),
              total: lines.total,
              payment: body.payment,
              shippingAddress: body.shippingAddress,
            },
          });
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const twin = await replay(who.subject, key, fingerprint);
        if (!twin) throw err;
        res.status(200).set('Idempotent-Replayed', 'true').location(`/api/orders/${twin.id}`).json(twin);
        return;
      }
      svc.events.relay?.wake();
      deps.onPlaced?.();
      svc.log.info({ orderId: id, lines: lines.items.length }, 'order placed');
      await cart.clear(who.subject);
      res.status(201).location(`/api/orders/${id}`).json({ id, status: 'placed' });
    }),
  );

  router.get(
    '/',
    validated({ query: listQuery }, async ({ query }, req, res) => {
      const who = principalOf(req);
      if (query.customerId && query.customerId !== who.subject && !who.roles.includes('admin')) throw kitErrors.forbidden('only admins list other customers');
      const customerId = query.customerId ?? who.subject;
      const { items, total } = await listOrders(svc.db, customerId, query.limit, (query.page - 1) * query.limit);
      res.json({
        items: items.map((o) => ({ id: o.id, status: o.status, total: o.total, createdAt: o.createdAt })),
        page: query.page,
        limit: query.limit,
        total,
      });
    }),
  );

  router.get(
    '/:id',
    validated({ params: idParams }, async ({ params }, req, res) => {
      const order = visible(await findOrder(svc.db, params.id), principalOf(req));
      const url = await trackingUrl(order);
      res.json({
        id: order.id,
        status: order.status,
        items: order.items,
        total: order.total,
        ...(order.cancelReason ? { cancelReason: order.cancelReason } : {}),
        ...(order.invoiceNumber ? { invoiceNumber: order.invoiceNumber } : {}),
        ...(url ? { trackingUrl: url } : {}),
        createdAt: order.createdAt,
        history: await historyOf(svc.db, order.id),
      });
    }),
  );

  router.post(
    '/:id/cancel',
    validated({ params: idParams, body: cancelBody }, async ({ params }, req, res) => {
      const who = principalOf(req);
      visible(await findOrder(svc.db, params.id), who);
      const result = await svc.db
        .tx((tx) => advanceOrder(tx, (e) => svc.events.publish(tx, e), params.id, { kind: 'cancel_requested' }, 'customer', timeouts))
        .catch((err: unknown) => {
          if (err instanceof IllegalTransitionError) throw orderErrors.order_not_cancellable(`a ${err.from} order cannot be cancelled`);
          throw err;
        });
      svc.events.relay?.wake();
      res.json({ id: params.id, status: result.status });
    }),
  );

  svc.app.use('/api/orders', router);
}
