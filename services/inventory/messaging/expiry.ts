/**
 * Reservations expire: an active reservation past its time is released and `inventory.released`
 * (reason `expired`) tells orders, which cancels the order if it is still pending.
 */
import type { Service } from '../../kit/index.ts';
import { lockExpired, releaseReservation } from '../data/stock-repo.ts';
import { publishLevels } from './handlers.ts';

const BATCH = 100;

/** Periodic release of expired reservations. */
export class ExpirySweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly svc: Service,
    private readonly everyMs: number,
  ) {}

  /** Releases every expired reservation; returns how many. */
  async sweepOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.svc.db.tx(async (tx) => {
        const ids = await lockExpired(tx, BATCH);
        const publish: Parameters<typeof publishLevels>[0] = (e) => this.svc.events.publish(tx, e);
        for (const orderId of ids) {
          const released = await releaseReservation(tx, orderId, 'expired');
          if (!released) continue;
          await publish({ type: 'inventory.released', data: { orderId, reservationId: released.reservationId, reason: 'expired' } });
          await publishLevels(publish, released.levels);
          this.svc.log.info({ orderId }, 'reservation expired');
        }
        return ids.length;
      });
      total += n;
      if (n < BATCH) break;
    }
    if (total > 0) this.svc.events.relay?.wake();
    return total;
  }

  /** Starts sweeping. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.sweepOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.svc.log.warn({ err }, 'expiry sweep failed; will retry'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.everyMs);
        });
    };
    this.timer = setTimeout(tick, this.everyMs);
  }

  /** Stops after the sweep in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
