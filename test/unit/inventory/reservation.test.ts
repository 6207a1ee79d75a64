import assert from 'node:assert/strict';
import { mergeLines, planReservation } from '../../../services/inventory/domain/reservation.ts';

describe('inventory reservation rules', () => {
  it('merges and sorts lines so that locks are always taken in the same order', () => {
    assert.deepEqual(mergeLines([{ sku: 'b', quantity: 1 }, { sku: 'a', quantity: 2 }, { sku: 'b', quantity: 3 }]), [
      { sku: 'a', quantity: 2 },
      { sku: 'b', quantity: 4 },
    ]);
  });

  it('reserves all lines or none', () => {
    const onHand = [{ sku: 'a', available: 5 }, { sku: 'b', available: 1 }];
    assert.deepEqual(planReservation([{ sku: 'a', quantity: 5 }, { sku: 'b', quantity: 1 }], onHand), {
      ok: true,
      lines: [{ sku: 'a', quantity: 5 }, { sku: 'b', quantity: 1 }],
    });
    const short = planReservation([{ sku: 'a', quantity: 2 }, { sku: 'b', quantity: 1 }, { sku: 'b', quantity: 1 }], onHand);
    assert.deepEqual(short, { ok: false, reason: 'insufficient_stock', shortages: [{ sku: 'b', requested: 2, available: 1 }] });
  });

  it('rejects unknown SKUs before counting', () => {
    const plan = planReservation([{ sku: 'ghost', quantity: 1 }], [{ sku: 'a', available: 5 }]);
    assert.equal(plan.ok, false);
    assert.ok(!plan.ok && plan.reason === 'unknown_sku' && plan.shortages[0]?.sku === 'ghost');
  });
});
