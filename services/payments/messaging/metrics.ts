/**
 * Payments metrics: saga step outcomes, counted after their transaction committed.
 */
import { Counter, type Registry } from '../../kit/index.ts';

/** Counts payment outcomes (authorized, failed, timed_out, refunded, voided, cancelled). */
export type PaymentsMetrics = (outcome: string) => void;

/** Registers `payments_total{outcome}` on `registry`. */
export function createPaymentsMetrics(registry: Registry): PaymentsMetrics {
  const c = new Counter({ name: 'payments_total', help: 'Payment step outcomes', labelNames: ['outcome'], registers: [registry] });
  return (outcome) => c.inc({ outcome });
}
