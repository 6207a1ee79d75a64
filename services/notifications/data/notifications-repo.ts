/**
 * SQL of notifications: recipients and their preferences, the shipment → customer map, and the
 * notification queue (pending → sent | dead | skipped).
 */
import type { Queryable } from '../../kit/index.ts';
import type { Locale, TemplateName, TemplateParams } from '../domain/templates.ts';

/** A recipient. */
export interface Recipient {
  readonly customerId: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly locale: Locale;
  readonly optedOut: boolean;
  readonly shipmentUpdates: boolean;
}

/** A queued notification. */
export interface NotificationRow {
  readonly id: string;
  readonly eventId: string;
  readonly template: TemplateName;
  readonly customerId: string | null;
  readonly channel: string;
  readonly state: 'pending' | 'sent' | 'dead' | 'skipped';
  readonly attempts: number;
  readonly lastError: string | null;
  readonly params: TemplateParams;
}

const RECIPIENT = `customer_id as "customerId", email, name, locale, opted_out as "optedOut", shipment_updates as "shipmentUpdates"`;
const NOTIFICATION = `id, event_id as "eventId", template, customer_id as "customerId", channel, state, attempts, last_error as "lastError", params`;

function parseParams(row: NotificationRow): NotificationRow {
  const p = row.params as unknown;
  return typeof p === 'string' ? { ...row, params: JSON.parse(p) as TemplateParams } : row;
}

/** Creates or updates a recipient's address and name (from `user.registered`). */
export async function upsertRecipient(q: Queryable, customerId: string, email: string, name: string): Promise<void> {
  await q.query(
    `insert into recipients (customer_id, email, name) values ($1, $2, $3)
     on conflict (customer_id) do update set email = excluded.email, name = excluded.name, updated_at = now()`,
    [customerId, email, name],
  );
}

/** A recipient; undefined when the customer never registered here. */
export async function findRecipient(q: Queryable, customerId: string): Promise<Recipient | undefined> {
  const r = await q.query<Recipient>(`select ${RECIPIENT} from recipients where customer_id = $1`, [customerId]);
  return r.rows[0];
}

/** Sets preferences (creating the recipient when needed). */
export async function setPreferences(q: Queryable, customerId: string, p: { optedOut?: boolean; shipmentUpdates?: boolean; locale?: Locale }): Promise<Recipient> {
  const r = await q.query<Recipient>(
    `insert into recipients (customer_id, opted_out, shipment_updates, locale) values ($1, coalesce($2, false), coalesce($3, false), coalesce($4, 'pt-BR'))
     on conflict (customer_id) do update set opted_out = coalesce($2, recipients.opted_out),
       shipment_updates = coalesce($3, recipients.shipment_updates), locale = coalesce($4, recipients.locale), updated_at = now()
     returning ${RECIPIENT}`,
    [customerId, p.optedOut ?? null, p.shipmentUpdates ?? null, p.locale ?? null],
  );
  return r.rows[0]!;
}

/** Remembers whose a shipment is (`shipment.checkpoint` does not say). */
export async function rememberShipment(q: Queryable, shipmentId: string, orderId: string, customerId: string): Promise<void> {
  await q.query('insert into shipments (shipment_id, order_id, customer_id) values ($1, $2, $3) on conflict do nothing', [shipmentId, orderId, customerId]);
}

/** Owner of a shipment. */
export async function shipmentOwner(q: Queryable, shipmentId: string): Promise<string | undefined> {
  const r = await q.query<{ customerId: string }>('select customer_id as "customerId" from shipments where shipment_id = $1', [shipmentId]);
  return r.rows[0]?.customerId;
}

/** Queues a notification; false when this event already queued this template. */
export async function enqueue(
  q: Queryable,
  n: { id: string; eventId: string; template: TemplateName; customerId?: string; channel: string; params: TemplateParams },
): Promise<boolean> {
  const r = await q.query(
    `insert into notifications (id, event_id, template, customer_id, channel, params) values ($1, $2, $3, $4, $5, $6)
     on conflict (event_id, template) do nothing`,
    [n.id, n.eventId, n.template, n.customerId ?? null, n.channel, JSON.stringify(n.params)],
  );
  return r.rowCount > 0;
}

/**
 * Claims up to `limit` due notifications by pushing their next attempt `leaseMs` away, so other
 * replicas skip them while this one sends (outside any transaction).
 */
export async function claimDue(q: Queryable, limit: number, leaseMs: number): Promise<NotificationRow[]> {
  const r = await q.query<NotificationRow>(
    `update notifications set next_attempt_at = now() + ($2 || ' milliseconds')::interval
     where id in (select id from notifications where state = 'pending' and next_attempt_at <= now()
                  order by next_attempt_at limit $1 for update skip locked)
     returning ${NOTIFICATION}`,
    [limit, String(leaseMs)],
  );
  return r.rows.map(parseParams);
}

/** Final state: sent, dead or skipped. */
export async function finish(q: Queryable, id: string, state: 'sent' | 'dead' | 'skipped', attempts: number, error: string | null = null): Promise<void> {
  await q.query('update notifications set state = $2, attempts = $3, last_error = $4, finished_at = now() where id = $1', [id, state, attempts, error]);
}

/** Another attempt later. */
export async function retryLater(q: Queryable, id: string, attempts: number, delayMs: number, error: string): Promise<void> {
  await q.query(
    `update notifications set attempts = $2, last_error = $3, next_attempt_at = now() + ($4 || ' milliseconds')::interval where id = $1`,
    [id, attempts, error, String(delayMs)],
  );
}

/** Notifications of a state (dead letters for admins), newest first. */
export async function listByState(q: Queryable, state: NotificationRow['state'], limit = 100): Promise<NotificationRow[]> {
  const r = await q.query<NotificationRow>(`select ${NOTIFICATION} from notifications where state = $1 order by created_at desc limit $2`, [state, limit]);
  return r.rows.map(parseParams);
}

/** Puts a dead notification back in the queue; false when it is not dead. */
export async function requeue(q: Queryable, id: string): Promise<boolean> {
  const r = await q.query(`update notifications set state = 'pending', attempts = 0, next_attempt_at = now(), finished_at = null where id = $1 and state = 'dead'`, [id]);
  return r.rowCount > 0;
}

/** Notifications about one customer (tests and support use it; no address in it). */
export async function listForCustomer(q: Queryable, customerId: string): Promise<NotificationRow[]> {
  const r = await q.query<NotificationRow>(`select ${NOTIFICATION} from notifications where customer_id = $1 order by created_at`, [customerId]);
  return r.rows.map(parseParams);
}
