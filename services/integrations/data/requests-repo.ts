/**
 * SQL of integrations: integration requests and their state, dead letters.
 */
import type { Queryable } from '../../kit/index.ts';

/** States of an integration request. */
export type RequestState = 'received' | 'validated' | 'dead_lettered' | 'replayed';

/** An integration request as the state API shows it (no payload: it may hold a recipient's name). */
export interface RequestRow {
  readonly id: string;
  readonly carrier: string;
  readonly externalEventId: string;
  readonly trackingCode: string;
  readonly state: RequestState;
  readonly reason: string | null;
  readonly receivedAt: string;
  readonly updatedAt: string;
}

/** A dead letter. */
export interface DeadLetterRow {
  readonly id: string;
  readonly requestId: string;
  readonly carrier: string;
  readonly stage: string;
  readonly reason: string;
  readonly createdAt: string;
  readonly replayedAt: string | null;
  readonly replays: number;
}

const ts = (col: string, as: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "${as}"`;
const REQUEST_COLUMNS = `id, carrier, external_event_id as "externalEventId", tracking_code as "trackingCode", state, reason,
  ${ts('received_at', 'receivedAt')}, ${ts('updated_at', 'updatedAt')}`;
const DEAD_LETTER_COLUMNS = `id, request_id as "requestId", carrier, stage, reason, ${ts('created_at', 'createdAt')},
  ${ts('replayed_at', 'replayedAt')}, replays`;

/** Records a received webhook; false when this carrier sent this event id before (a replay). */
export async function insertRequest(
  q: Queryable,
  r: { id: string; carrier: string; externalEventId: string; trackingCode: string; payload: unknown },
): Promise<boolean> {
  const res = await q.query(
    `insert into integration_requests (id, carrier, external_event_id, tracking_code, state, payload)
     values ($1, $2, $3, $4, 'received', $5) on conflict (carrier, external_event_id) do nothing`,
    [r.id, r.carrier, r.externalEventId, r.trackingCode, JSON.stringify(r.payload)],
  );
  return res.rowCount > 0;
}

/** A request by id. */
export async function findRequest(q: Queryable, id: string): Promise<RequestRow | undefined> {
  const r = await q.query<RequestRow>(`select ${REQUEST_COLUMNS} from integration_requests where id = $1`, [id]);
  return r.rows[0];
}

/** The stored payload of a request. */
export async function requestPayload(q: Queryable, id: string): Promise<{ carrier: string; trackingCode: string; payload: Record<string, unknown> } | undefined> {
  const r = await q.query<{ carrier: string; trackingCode: string; payload: Record<string, unknown> | string }>(
    'select carrier, tracking_code as "trackingCode", payload from integration_requests where id = $1',
    [id],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return { ...row, payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload };
}

/** Moves a request to `state`. */
export async function setState(q: Queryable, id: string, state: RequestState, reason: string | null = null): Promise<void> {
  await q.query('update integration_requests set state = $2, reason = $3, updated_at = now() where id = $1', [id, state, reason]);
}

/** Adds a dead letter. */
export async function insertDeadLetter(q: Queryable, d: { id: string; requestId: string; carrier: string; stage: string; reason: string }): Promise<void> {
  await q.query('insert into dead_letters (id, request_id, carrier, stage, reason) values ($1, $2, $3, $4, $5)', [d.id, d.requestId, d.carrier, d.stage, d.reason]);
}

/** Dead letters, newest first; only those not replayed unless `all`. */
export async function listDeadLetters(q: Queryable, options: { all?: boolean; limit?: number } = {}): Promise<DeadLetterRow[]> {
  const r = await q.query<DeadLetterRow>(
    `select ${DEAD_LETTER_COLUMNS} from dead_letters ${options.all ? '' : 'where replayed_at is null'} order by created_at desc, id limit $1`,
    [options.limit ?? 100],
  );
  return r.rows;
}

/** Marks a dead letter replayed (locking it); undefined when missing or replayed already. */
export async function claimDeadLetter(q: Queryable, id: string): Promise<DeadLetterRow | undefined> {
  const r = await q.query<DeadLetterRow>(
    `update dead_letters set replayed_at = now(), replays = replays + 1 where id = $1 and replayed_at is null returning ${DEAD_LETTER_COLUMNS}`,
    [id],
  );
  return r.rows[0];
}
