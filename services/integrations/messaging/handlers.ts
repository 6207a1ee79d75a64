/**
 * The hub's handlers, one consumer group per step so each step scales, retries and dead-letters on
 * its own: `<name>-validate` reacts to `carrier.update.received`, `<name>-state` to
 * `carrier.update.validated`.
 */
import type { Service } from '../../kit/index.ts';
import { recordValidated, validateReceived, type Publish } from '../domain/hub.ts';

/** Subscribes the hub's steps. */
export async function registerHandlers(svc: Service, onDeadLetter: () => void): Promise<void> {
  await svc.events.subscribe(`${svc.name}-validate`, {
    'carrier.update.received': async (event, ctx) => {
      const result = await validateReceived(ctx.tx, event.data, ctx.publish as Publish);
      if (result.unknown) {
        ctx.log.warn({ updateId: event.data.updateId }, 'carrier update of an unknown integration request skipped');
      } else if (!result.ok) {
        onDeadLetter();
        ctx.log.warn({ updateId: event.data.updateId, carrier: event.data.carrier, reason: result.reason }, 'carrier update dead-lettered');
      }
    },
  });
  await svc.events.subscribe(`${svc.name}-state`, {
    'carrier.update.validated': async (event, ctx) => {
      await recordValidated(ctx.tx, event.data);
    },
  });
}
