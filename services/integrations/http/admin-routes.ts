/**
 * The hub's query and admin API: the state of an integration request (anyone holding its id, which
 * the 202 returned), and for admins the dead letters and their replay.
 */
import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { defineErrors, kitErrors, validated, type Auth, type Db } from '../../kit/index.ts';
import { findRequest, listDeadLetters } from '../data/requests-repo.ts';
import { replayDeadLetter, type Publish } from '../domain/hub.ts';

/** Errors of the admin API. */
export const adminErrors = defineErrors({
  request_not_found: { status: 404, title: 'Integration request not found' },
  dead_letter_not_found: { status: 404, title: 'Dead letter not found or replayed already' },
});

/** Registers the state and admin routes. */
export function registerAdminRoutes(
  app: Express,
  deps: { db: Db; auth: Auth | undefined; publish: (tx: Parameters<Parameters<Db['tx']>[0]>[0]) => Publish },
): void {
  const admin: RequestHandler[] = deps.auth
    ? [deps.auth.authenticate(), deps.auth.requireRoles('admin')]
    : [
        () => {
          throw kitErrors.unavailable('the admin API needs JWKS_URL to verify callers');
        },
      ];

  app.get(
    '/api/integrations/requests/:id',
    validated({ params: z.object({ id: z.uuid() }) }, async ({ params }, _req, res) => {
      const request = await findRequest(deps.db, params.id);
      if (!request) throw adminErrors.request_not_found(`no integration request ${params.id}`);
      res.json(request);
    }),
  );

  app.get(
    '/api/integrations/dead-letters',
    ...admin,
    validated({ query: z.object({ all: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }) }, async ({ query }, _req, res) => {
      const items = await listDeadLetters(deps.db, { all: query.all === 'true', ...(query.limit ? { limit: query.limit } : {}) });
      res.json({ items });
    }),
  );

  app.post(
    '/api/integrations/dead-letters/:id/replay',
    ...admin,
    validated({ params: z.object({ id: z.uuid() }) }, async ({ params }, _req, res) => {
      const requestId = await deps.db.tx((tx) => replayDeadLetter(tx, params.id, deps.publish(tx)));
      if (!requestId) throw adminErrors.dead_letter_not_found(`no open dead letter ${params.id}`);
      res.status(202).json({ requestId, state: 'replayed' });
    }),
  );
}
