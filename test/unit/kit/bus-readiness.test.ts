import assert from 'node:assert/strict';
import { EventBus, Health, catalog, createLogger, createMemoryTransport, type Db, type SubscribeOptions, type Transport } from '../../../services/kit/index.ts';

// A transport whose subscriptions report a crash on demand: the bus must turn it into readiness.
function crashingTransport(): Transport & { crash(group: string): void; recover(group: string): void } {
  const inner = createMemoryTransport();
  const subs = new Map<string, SubscribeOptions>();
  return {
    ...inner,
    async subscribe(opts) {
      subs.set(opts.group, opts);
      return inner.subscribe(opts);
    },
    crash: (group) => subs.get(group)?.onStateChange?.('crashed', 'The group is rebalancing'),
    recover: (group) => subs.get(group)?.onStateChange?.('running'),
  };
}

const noDb: Db = {
  schema: 'none',
  engine: 'pglite',
  query: () => Promise.reject(new Error('unused')),
  tx: () => Promise.reject(new Error('unused')),
  ping: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

describe('kit event bus readiness', () => {
  it('a crashed consumer makes /readyz fail until it runs again', async () => {
    const health = new Health();
    const transport = crashingTransport();
    const bus = new EventBus({ catalog, service: 'orders', db: noDb, transport, log: createLogger({ name: 't', level: 'silent' }), health, relay: false });
    await bus.subscribe('orders', { 'payment.authorized': async () => {} });
    await bus.start();
    try {
      assert.equal((await health.run()).ok, true);
      transport.crash('orders');
      const result = await health.run();
      assert.equal(result.ok, false);
      assert.deepEqual(result.checks, [{ name: 'consumer:orders', ok: false, error: 'The group is rebalancing' }]);
      transport.recover('orders');
      assert.equal((await health.run()).ok, true);
    } finally {
      await bus.stop();
    }
  });
});
