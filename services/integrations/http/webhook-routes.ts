/**
 * `POST /webhooks/carriers/:carrier`: the hub's entry. Authenticity (HMAC over timestamp and raw
 * body), freshness (5 minutes) and replay (event id, remembered in the cache and, durably, in the
 * store) are checked here; everything else happens after the 202, in the choreography.
 */
import type { Express } from 'express';
import type { Cache, Counter, Db } from '../../kit/index.ts';
import { defineErrors } from '../../kit/index.ts';
import type { CarrierSecrets } from '../config.ts';
import { checkWebhook, EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, type WebhookRejection } from '../domain/signature.ts';
import { acceptWebhook, type Publish } from '../domain/hub.ts';

/** Errors of the webhook entry. */
export const webhookErrors = defineErrors({
  unknown_carrier: { status: 404, title: 'Unknown carrier' },
  missing_headers: { status: 400, title: 'Signature headers missing' },
  bad_signature: { status: 401, title: 'Bad webhook signature' },
  stale_timestamp: { status: 401, title: 'Webhook timestamp outside the accepted window' },
  replayed: { status: 409, title: 'Webhook event already received' },
  not_an_object: { status: 400, title: 'Webhook body must be a JSON object' },
});

const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What the route needs. */
export interface WebhookDeps {
  readonly db: Db;
  readonly cache: Cache;
  readonly secrets: CarrierSecrets;
  readonly toleranceS: number;
  readonly publish: (tx: Parameters<Parameters<Db['tx']>[0]>[0]) => Publish;
  readonly rejected: Counter<'reason'>;
  readonly accepted: Counter<'carrier'>;
}

/** Registers the webhook route. */
export function registerWebhookRoutes(app: Express, deps: WebhookDeps): void {
  const reject = (reason: WebhookRejection, detail: string): never => {
    deps.rejected.inc({ reason });
    throw webhookErrors[reason](detail);
  };

  app.post('/webhooks/carriers/:carrier', async (req, res) => {
    const carrier = String(req.params.carrier);
    const secrets = deps.secrets.get(carrier);
    if (!secrets) return reject('unknown_carrier', 'no webhook secret is configured for this carrier');
    const eventId = req.get(EVENT_ID_HEADER);
    const rawBody = req.rawBody;
    if (!rawBody || !eventId || !EVENT_ID.test(eventId)) {
      return reject('missing_headers', `send a JSON body with ${SIGNATURE_HEADER}, ${TIMESTAMP_HEADER} and ${EVENT_ID_HEADER}`);
    }
    const problem = checkWebhook({
      secrets,
      signature: req.get(SIGNATURE_HEADER),
      timestamp: req.get(TIMESTAMP_HEADER),
      rawBody,
      toleranceS: deps.toleranceS,
    });
    if (problem === 'missing_headers') return reject(problem, `send ${SIGNATURE_HEADER} (sha256=<hex>) and ${TIMESTAMP_HEADER} (Unix seconds)`);
    if (problem === 'bad_signature') return reject(problem, 'the signature does not match the body and timestamp');
    if (problem === 'stale_timestamp') return reject(problem, `the timestamp is more than ${deps.toleranceS} s away from now`);
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return reject('missing_headers', 'the body must be a JSON object');

    // Fast path: the cache remembers ids for twice the window; the store's unique key is the durable guard.
    const replayKey = `webhook:${carrier}:${eventId}`;
    const fresh = await deps.cache.set(replayKey, '1', { ttlMs: deps.toleranceS * 2000, onlyIfAbsent: true });
    if (!fresh) return reject('replayed', `event ${eventId} was received before`);
    let id: string | undefined;
    try {
      id = await deps.db.tx((tx) => acceptWebhook(tx, { carrier, externalEventId: eventId, payload: body as Record<string, unknown> }, deps.publish(tx)));
    } catch (err) {
      // Not recorded: let the carrier's retry through.
      await deps.cache.del(replayKey).catch(() => 0);
      throw err;
    }
    if (!id) return reject('replayed', `event ${eventId} was received before`);
    deps.accepted.inc({ carrier });
    res.status(202).location(`/api/integrations/requests/${id}`).json({ id, state: 'received' });
  });
}
