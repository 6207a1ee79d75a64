/**
 * Reservations expire: an active reservation past its time is released and `inventory.released`
 * (reason `expired`) tells orders, which cancels the order if it is still pending.
 */
import type { Service } from '../../kit/index.ts';
import { lockExpired, releaseReservation } from '../data/stock-repo.ts';
import { publishLevels } from './handlers.ts';
import type { InventoryMetrics } from './metrics.ts';

/** Periodic release of expired reservations. */
export class ExpirySweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly svc: Service,
    private readonly everyMs: number,
    private readonly count: InventoryMetrics = () => undefined,
  ) {}

  /** Releases every expired reservation (up to `max`); returns how many. */
  async sweepOnce(max = 1_000): Promise<number> {
    let total = 0;
    // One reservation per transaction: releasing several in one would lock their SKUs in an order
    // that could deadlock with a concurrent reservation.
    while (total < max) {
      const released = await this.svc.db.tx(async (tx) => {
        const [orderId] = await lockExpired(tx, 1);
        if (!orderId) return false;
        const publish: Parameters<typeof publishLevels>[0] = (e) => this.svc.events.publish(tx, e);
        const r = await releaseReservation(tx, orderId, 'expired');
        if (r) {
          await publish({ type: 'inventory.released', data: { orderId, reservationId: r.reservationId, reason: 'expired' } });
          await publishLevels(publish, r.levels);
          this.svc.log.info({ orderId }, 'reservation expired');
          tx.onCommit(() => this.count('expired'));
        }
        return true;
      });
      if (!released) break;
      total++;
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
