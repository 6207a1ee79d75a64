/**
 * Inventory metrics: reservation outcomes, counted after their transaction committed.
 */
import { Counter, type Registry } from '../../kit/index.ts';

/** What happened to a reservation. */
export type ReservationOutcome = 'reserved' | 'rejected' | 'committed' | 'released' | 'expired';

/** Counts reservation outcomes. */
export type InventoryMetrics = (outcome: ReservationOutcome) => void;

/** Registers `inventory_reservations_total{outcome}` on `registry`. */
export function createInventoryMetrics(registry: Registry): InventoryMetrics {
  const c = new Counter({ name: 'inventory_reservations_total', help: 'Reservation outcomes', labelNames: ['outcome'], registers: [registry] });
  return (outcome) => c.inc({ outcome });
}
