/**
 * Notifications' HTTP API: a customer's own preferences (opt-out of everything, opt-in to parcel
 * updates, language), and for admins the dead letters and their replay.
 */
import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { defineErrors, kitErrors, validated, type Auth, type Db } from '../../kit/index.ts';
import { findRecipient, listByState, requeue, setPreferences, type Recipient } from '../data/notifications-repo.ts';

/** Errors of the notifications API. */
export const notificationErrors = defineErrors({
  notification_not_dead: { status: 404, title: 'No such dead notification' },
});

const preferencesBody = z
  .object({ optedOut: z.boolean().optional(), shipmentUpdates: z.boolean().optional(), locale: z.enum(['pt-BR', 'en']).optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one preference' });

function view(r: Recipient | undefined, customerId: string) {
  // Preferences only: the address is not echoed back.
  return { customerId, optedOut: r?.optedOut ?? false, shipmentUpdates: r?.shipmentUpdates ?? false, locale: r?.locale ?? 'pt-BR' };
}

/** Registers the routes. */
export function registerRoutes(app: Express, deps: { db: Db; auth: Auth | undefined }): void {
  const unavailable: RequestHandler = () => {
    throw kitErrors.unavailable('this API needs JWKS_URL to verify callers');
  };
  const customer: RequestHandler[] = deps.auth ? [deps.auth.authenticate()] : [unavailable];
  const admin: RequestHandler[] = deps.auth ? [deps.auth.authenticate(), deps.auth.requireRoles('admin')] : [unavailable];
  const me = (req: Parameters<RequestHandler>[0]): string => {
    if (!req.principal) throw kitErrors.unauthorized('bearer token required');
    return req.principal.subject;
  };

  app.get('/api/notifications/preferences', ...customer, async (req, res) => {
    const id = me(req);
    res.json(view(await findRecipient(deps.db, id), id));
  });

  app.put(
    '/api/notifications/preferences',
    ...customer,
    validated({ body: preferencesBody }, async ({ body }, req, res) => {
      const id = me(req);
      res.json(view(await setPreferences(deps.db, id, body), id));
    }),
  );

  // One call to stop every message (the link behind "unsubscribe").
  app.post('/api/notifications/opt-out', ...customer, async (req, res) => {
    const id = me(req);
    res.json(view(await setPreferences(deps.db, id, { optedOut: true }), id));
  });

  app.get('/api/notifications/dead-letters', ...admin, async (_req, res) => {
    const items = (await listByState(deps.db, 'dead')).map((n) => ({ id: n.id, template: n.template, customerId: n.customerId, channel: n.channel, attempts: n.attempts, reason: n.lastError }));
    res.json({ items });
  });

  app.post(
    '/api/notifications/dead-letters/:id/replay',
    ...admin,
    validated({ params: z.object({ id: z.uuid() }) }, async ({ params }, _req, res) => {
      if (!(await requeue(deps.db, params.id))) throw notificationErrors.notification_not_dead(`no dead notification ${params.id}`);
      res.status(202).json({ id: params.id, state: 'pending' });
    }),
  );
}
