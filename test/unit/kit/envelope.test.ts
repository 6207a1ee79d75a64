import assert from 'node:assert/strict';
import {
  catalog,
  catalogTopics,
  createEvent,
  fromWire,
  runWithContext,
  toWire,
  topicsFor,
  eventTypes,
  InvalidEventError,
} from '../../../services/kit/index.ts';

const placed = {
  orderId: 'o-1',
  customerId: 'c-1',
  items: [{ sku: 'sku-1', quantity: 2, unitPrice: { amount: 1990, currency: 'BRL' } }],
  total: { amount: 3980, currency: 'BRL' },
  payment: { method: 'card' as const, token: 'tok_test' },
  shippingAddress: { name: 'A', line1: 'Rua 1', city: 'São Paulo', postalCode: '01000-000', country: 'BR' },
};

describe('kit event catalog and envelope', () => {
  it('has every DESIGN.md event, each on a vitrine.<domain> topic', () => {
    assert.equal(eventTypes.length, 20);
    for (const t of eventTypes) assert.match(catalog[t].topic, /^vitrine\.[a-z]+$/);
    assert.deepEqual(catalogTopics(), [
      'vitrine.catalog',
      'vitrine.identity',
      'vitrine.integrations',
      'vitrine.inventory',
      'vitrine.notifications',
      'vitrine.orders',
      'vitrine.payments',
      'vitrine.shipping',
    ]);
  });

  it('writes CloudEvents binary-mode headers keyed by the aggregate id', () => {
    const event = runWithContext({ correlationId: 'corr-1', causationId: 'cause-1', traceparent: '00-abc-def-01' }, () =>
      createEvent(catalog, '/vitrine/orders', { type: 'order.placed', data: placed }),
    );
    const wire = toWire(catalog, event);
    assert.equal(wire.topic, 'vitrine.orders');
    assert.equal(wire.key, 'o-1');
    assert.equal(wire.headers.ce_specversion, '1.0');
    assert.equal(wire.headers.ce_type, 'order.placed');
    assert.equal(wire.headers.ce_source, '/vitrine/orders');
    assert.equal(wire.headers.ce_subject, 'o-1');
    assert.equal(wire.headers.ce_correlationid, 'corr-1');
    assert.equal(wire.headers.ce_causationid, 'cause-1');
    assert.equal(wire.headers.traceparent, '00-abc-def-01');
    assert.match(wire.headers.ce_id ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(JSON.parse(wire.value), placed);
    const back = fromWire(catalog, wire);
    assert.deepEqual(back, event);
  });

  it('refuses invalid data on publish and on consume', () => {
    assert.throws(() => createEvent(catalog, '/x', { type: 'stock.changed', data: { sku: 's', available: 1.5 } }), InvalidEventError);
    const wire = toWire(catalog, createEvent(catalog, '/x', { type: 'stock.changed', data: { sku: 's', available: 1 } }));
    assert.throws(() => fromWire(catalog, { ...wire, value: '{"sku":"s"}' }), /invalid stock.changed data: available/);
    assert.throws(() => fromWire(catalog, { ...wire, headers: { ...wire.headers, ce_type: 'stock.exploded' } }), /unknown event type/);
    assert.throws(() => fromWire(catalog, { ...wire, headers: { ...wire.headers, ce_specversion: '0.3' } }), /specversion/);
    const { ce_id: _dropped, ...noId } = wire.headers;
    assert.throws(() => fromWire(catalog, { ...wire, headers: noId }), /missing header ce_id/);
  });

  it('derives retry and dead-letter topics per group', () => {
    const t = topicsFor(catalog, [{ group: 'payments', topics: ['vitrine.inventory', 'vitrine.orders'] }]);
    assert.equal(t.main.length, 8);
    assert.deepEqual(t.retry, ['vitrine.inventory.payments.retry', 'vitrine.orders.payments.retry']);
    assert.deepEqual(t.deadLetter, ['vitrine.inventory.payments.dlq', 'vitrine.orders.payments.dlq']);
  });
});
