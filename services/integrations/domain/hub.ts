/**
 * The integration hub's steps (the reactive hub of seed 003, as a choreography on the event bus):
 *
 *   webhook accepted ──► carrier.update.received ──► validate & normalize ──► carrier.update.validated ──► shipping
 *                                                        └── invalid ──► dead letter (with the reason)
 *
 * Each step is its own handler reacting to the previous step's event; the request's state is kept
 * so that a carrier or an operator can follow it, and dead letters can be replayed.
 */
import { randomUUID } from 'node:crypto';
import type { EventData, Queryable } from '../../kit/index.ts';
import { normalizeUpdate, rawTrackingCode } from './normalize.ts';
import { claimDeadLetter, findRequest, insertDeadLetter, insertRequest, requestPayload, setState } from '../data/requests-repo.ts';

/** Publishes a hub event in the current transaction. */
export type Publish = (event:
  | { type: 'carrier.update.received'; data: EventData<'carrier.update.received'> }
  | { type: 'carrier.update.validated'; data: EventData<'carrier.update.validated'> }) => Promise<unknown>;

/** Step 1 (HTTP): records an authenticated webhook and announces it; undefined when the event id was seen before. */
export async function acceptWebhook(
  tx: Queryable,
  input: { carrier: string; externalEventId: string; payload: Record<string, unknown> },
  publish: Publish,
): Promise<string | undefined> {
  const id = randomUUID();
  const trackingCode = rawTrackingCode(input.payload);
  if (!(await insertRequest(tx, { id, carrier: input.carrier, externalEventId: input.externalEventId, trackingCode, payload: input.payload }))) return undefined;
  await publish({
    type: 'carrier.update.received',
    data: { updateId: id, carrier: input.carrier, trackingCode, payload: input.payload, receivedAt: new Date().toISOString() },
  });
  return id;
}

/** Step 2 (handler of `carrier.update.received`): validate and normalize, or dead-letter with the reason. */
export async function validateReceived(
  tx: Queryable,
  received: EventData<'carrier.update.received'>,
  publish: Publish,
): Promise<{ ok: boolean; reason?: string; unknown?: boolean }> {
  // An update this hub never recorded (another deployment sharing the topic) is not ours to judge.
  if (!(await findRequest(tx, received.updateId))) return { ok: false, unknown: true };
  const result = normalizeUpdate(received.carrier, received.payload);
  if (!result.ok) {
    await insertDeadLetter(tx, { id: randomUUID(), requestId: received.updateId, carrier: received.carrier, stage: 'validate', reason: result.reason });
    await setState(tx, received.updateId, 'dead_lettered', result.reason);
    return { ok: false, reason: result.reason };
  }
  await publish({ type: 'carrier.update.validated', data: { updateId: received.updateId, carrier: received.carrier, ...result.update } });
  return { ok: true };
}

/** Step 3 (handler of `carrier.update.validated`): the request's state follows the choreography. */
export async function recordValidated(tx: Queryable, validated: EventData<'carrier.update.validated'>): Promise<void> {
  await setState(tx, validated.updateId, 'validated');
}

/** Replays a dead letter: its request goes through validation again. Undefined when there is nothing to replay. */
export async function replayDeadLetter(tx: Queryable, deadLetterId: string, publish: Publish): Promise<string | undefined> {
  const dead = await claimDeadLetter(tx, deadLetterId);
  if (!dead) return undefined;
  const request = await requestPayload(tx, dead.requestId);
  if (!request) return undefined;
  await setState(tx, dead.requestId, 'replayed');
  await publish({
    type: 'carrier.update.received',
    data: { updateId: dead.requestId, carrier: request.carrier, trackingCode: request.trackingCode, payload: request.payload, receivedAt: new Date().toISOString() },
  });
  return dead.requestId;
}
