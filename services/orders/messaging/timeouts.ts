/**
 * The saga's timeouts (and the expiry of idempotency keys): an order waiting too long for inventory or payments is cancelled (which
 * makes inventory release the stock and payments void or refund). Several replicas may sweep at
 * once: rows are taken `FOR UPDATE SKIP LOCKED`, and the state machine ignores a stale deadline.
 */
import type { Service } from '../../kit/index.ts';
import { advanceOrder, type SagaTimeouts } from '../domain/advance-order.ts';
import { clearDeadline, deleteOldIdempotencyKeys, lockOverdue } from '../data/orders-repo.ts';
import type { OrdersMetrics } from './metrics.ts';

const BATCH = 100;
const KEY_CLEANUP_EVERY_MS = 60_000;

/** A periodic sweep of overdue orders. */
export class TimeoutSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private lastKeyCleanup = 0;

  constructor(
    private readonly svc: Service,
    private readonly everyMs: number,
    private readonly timeouts: SagaTimeouts,
    private readonly metrics: OrdersMetrics,
    private readonly idempotencyKeyTtlMs: number,
  ) {}

  /** Forgets expired idempotency keys (at most once a minute unless `force`); returns how many. */
  async forgetOldKeys(force = false): Promise<number> {
    if (!force && Date.now() - this.lastKeyCleanup < KEY_CLEANUP_EVERY_MS) return 0;
    this.lastKeyCleanup = Date.now();
    return deleteOldIdempotencyKeys(this.svc.db, this.idempotencyKeyTtlMs);
  }

  /** Cancels every overdue order; returns how many were cancelled. */
  async sweepOnce(): Promise<number> {
    let cancelled = 0;
    for (;;) {
      const n = await this.svc.db.tx(async (tx) => {
        const ids = await lockOverdue(tx, BATCH);
        let moved = 0;
        for (const id of ids) {
          const r = await advanceOrder(tx, (e) => this.svc.events.publish(tx, e), id, { kind: 'deadline_passed' }, 'timeout', this.timeouts);
          if (r.order && r.status === 'cancelled' && r.decision?.apply) {
            moved++;
            const order = r.order;
            tx.onCommit(() => this.metrics.observe(order, 'cancelled'));
            this.svc.log.info({ orderId: id, from: r.order.status }, 'order cancelled after a saga timeout');
          } else {
            // A deadline that no longer means anything must not be picked up again.
            await clearDeadline(tx, id);
          }
        }
        return { locked: ids.length, moved };
      });
      cancelled += n.moved;
      if (n.locked < BATCH) break;
    }
    if (cancelled > 0) this.svc.events.relay?.wake();
    return cancelled;
  }

  /** Starts sweeping every `everyMs`. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.sweepOnce()
        .then(() => this.forgetOldKeys())
        .then(() => undefined)
        .catch((err: unknown) => this.svc.log.warn({ err }, 'timeout sweep failed; will retry'))
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
