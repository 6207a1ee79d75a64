/**
 * Orders metrics: checkouts placed, and the time from placement to the saga's outcome.
 */
import { Counter, Histogram, type Registry } from '../../kit/index.ts';
import type { OrderRecord } from '../data/orders-repo.ts';
import type { OrderStatus } from '../domain/order-status.ts';

/** The orders service's own metrics. */
export interface OrdersMetrics {
  placed(): void;
  /** Records the outcome when `status` ends the checkout (confirmed or cancelled). */
  observe(order: OrderRecord, status: OrderStatus): void;
}

/** Registers the metrics on `registry`. */
export function createOrdersMetrics(registry: Registry): OrdersMetrics {
  const placed = new Counter({ name: 'orders_placed_total', help: 'Orders placed through checkout', registers: [registry] });
  const outcome = new Histogram({
    name: 'orders_checkout_duration_seconds',
    help: 'Time from placement to the checkout outcome',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  return {
    placed: () => placed.inc(),
    observe(order, status) {
      const label = status === 'invoiced' || status === 'confirmed' ? 'confirmed' : status === 'cancelled' ? 'cancelled' : undefined;
      if (!label) return;
      outcome.observe({ outcome: label }, Math.max(0, (Date.now() - Date.parse(order.createdAt)) / 1000));
    },
  };
}
