import assert from 'node:assert/strict';
import { canTransition, IllegalTransitionError, isCancellable, planTransitions } from '../../../services/orders/domain/order-status.ts';
import { decide, deadlineFor } from '../../../services/orders/domain/saga.ts';
import { CheckoutError, invoiceNumber, linesFromCart, requestFingerprint } from '../../../services/orders/domain/checkout.ts';

const brl = (amount: number) => ({ amount, currency: 'BRL' });

describe('orders domain', () => {
  describe('state machine', () => {
    it('allows the happy path and cancellation before shipment', () => {
      const steps = planTransitions('placed', ['reserved', 'paid', 'confirmed', 'invoiced', 'shipped', 'delivered']);
      assert.deepEqual(
        steps.map((s) => s.to),
        ['reserved', 'paid', 'confirmed', 'invoiced', 'shipped', 'delivered'],
      );
      for (const s of ['placed', 'reserved', 'paid', 'confirmed', 'invoiced'] as const) assert.ok(isCancellable(s), s);
      for (const s of ['shipped', 'delivered', 'cancelled'] as const) assert.ok(!isCancellable(s), s);
    });

    it('rejects illegal transitions with a typed error', () => {
      assert.throws(() => planTransitions('placed', ['paid']), IllegalTransitionError);
      assert.throws(() => planTransitions('cancelled', ['reserved']), /cannot go from cancelled to reserved/);
      assert.throws(() => planTransitions('delivered', ['cancelled']), IllegalTransitionError);
      assert.equal(canTransition('shipped', 'cancelled'), false);
    });

    it('keeps the cancel reason on the cancelling step', () => {
      assert.deepEqual(planTransitions('reserved', ['cancelled'], 'payment_declined'), [{ from: 'reserved', to: 'cancelled', reason: 'payment_declined' }]);
    });
  });

  describe('saga decisions', () => {
    it('confirms and invoices on authorization, also when the reservation answer is still on its way', () => {
      const a = decide('reserved', { kind: 'payment_authorized' });
      assert.ok(a.apply);
      assert.deepEqual(
        a.transitions.map((t) => t.to),
        ['paid', 'confirmed', 'invoiced'],
      );
      const b = decide('placed', { kind: 'payment_authorized' });
      assert.ok(b.apply && b.transitions[0]?.to === 'reserved');
    });

    it('records the implied reservation when a payment decline overtakes it', () => {
      const d = decide('placed', { kind: 'payment_failed' });
      assert.ok(d.apply);
      assert.deepEqual(
        d.transitions.map((t) => [t.to, t.reason]),
        [
          ['reserved', undefined],
          ['cancelled', 'payment_declined'],
        ],
      );
    });

    it('ignores late answers after a cancellation', () => {
      for (const kind of ['stock_reserved', 'payment_authorized', 'payment_failed', 'deadline_passed'] as const) {
        assert.equal(decide('cancelled', { kind }).apply, false, kind);
      }
      assert.equal(decide('invoiced', { kind: 'stock_reserved' }).apply, false);
    });

    it('names the timeout after the step that did not answer', () => {
      const placed = decide('placed', { kind: 'deadline_passed' });
      const reserved = decide('reserved', { kind: 'deadline_passed' });
      assert.ok(placed.apply && reserved.apply);
      assert.equal(placed.transitions[0]?.reason, 'reservation_timeout');
      assert.equal(reserved.transitions[0]?.reason, 'payment_timeout');
      assert.equal(deadlineFor('placed', { reservationMs: 5, paymentMs: 7 }), 5);
      assert.equal(deadlineFor('reserved', { reservationMs: 5, paymentMs: 7 }), 7);
      assert.equal(deadlineFor('invoiced', { reservationMs: 5, paymentMs: 7 }), undefined);
    });

    it('refuses a customer cancellation after shipment', () => {
      assert.throws(() => decide('shipped', { kind: 'cancel_requested' }), IllegalTransitionError);
      const ok = decide('invoiced', { kind: 'cancel_requested' });
      assert.ok(ok.apply && ok.transitions[0]?.reason === 'customer_requested');
    });

    it('distinguishes unknown SKUs from shortages', () => {
      const d = decide('placed', { kind: 'stock_rejected', unknownSku: true });
      assert.ok(d.apply && d.transitions[0]?.reason === 'unknown_sku');
    });
  });

  describe('checkout', () => {
    it('merges cart lines per SKU and totals them', () => {
      const { items, total } = linesFromCart([
        { sku: 'B', name: 'b', quantity: 1, unitPrice: brl(500) },
        { sku: 'A', name: 'a', quantity: 2, unitPrice: brl(1990) },
        { sku: 'B', name: 'b', quantity: 2, unitPrice: brl(500) },
      ]);
      assert.deepEqual(
        items.map((i) => [i.sku, i.quantity, i.lineTotal.amount]),
        [
          ['A', 2, 3980],
          ['B', 3, 1500],
        ],
      );
      assert.deepEqual(total, brl(5480));
    });

    it('refuses empty carts and mixed currencies', () => {
      assert.throws(() => linesFromCart([]), (e: unknown) => e instanceof CheckoutError && e.code === 'cart_empty');
      assert.throws(
        () => linesFromCart([{ sku: 'A', name: 'a', quantity: 1, unitPrice: brl(1) }, { sku: 'B', name: 'b', quantity: 1, unitPrice: { amount: 1, currency: 'USD' } }]),
        (e: unknown) => e instanceof CheckoutError && e.code === 'mixed_currency',
      );
    });

    it('fingerprints bodies independently of key order', () => {
      assert.equal(requestFingerprint({ a: 1, b: { c: 2, d: 3 } }), requestFingerprint({ b: { d: 3, c: 2 }, a: 1 }));
      assert.notEqual(requestFingerprint({ a: 1 }), requestFingerprint({ a: 2 }));
      assert.equal(invoiceNumber(42, new Date('2026-03-01T00:00:00Z')), 'INV-2026-00000042');
    });
  });
});
