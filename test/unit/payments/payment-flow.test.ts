/**
 * Payments' saga steps on PGlite: authorization only once both facts are in, at most one
 * authorization and one refund per order whatever is redelivered, and a cancellation that comes
 * first prevents the charge.
 */
import assert from 'node:assert/strict';
import { createLogger, createPgliteDb, migrate, readMigrations, type Db } from '../../../services/kit/index.ts';
import { recordPlaced, recordReserved, ensurePayment, findPayment } from '../../../services/payments/data/payments-repo.ts';
import { compensate, tryAuthorize, type FlowDeps, type Publish } from '../../../services/payments/domain/payment-flow.ts';
import { createTestProvider } from '../../../services/payments/domain/test-provider.ts';

describe('payments saga steps', function () {
  this.timeout(30_000);
  let db: Db;
  const published: { type: string; data: unknown }[] = [];
  const publish: Publish = (e) => {
    published.push({ type: e.type, data: e.data });
    return Promise.resolve();
  };
  const provider = createTestProvider();
  const deps: FlowDeps = { provider, timeoutMs: 100, log: createLogger({ name: 'payments-test', level: 'silent' }) };
  const amount = { amount: 2500, currency: 'BRL' };
  const count = async (table: string, orderId: string) =>
    (await db.query<{ n: number }>(`select count(*)::int as n from ${table} where order_id = $1`, [orderId])).rows[0]?.n;

  before(async () => {
    db = await createPgliteDb({ schema: 'payments' });
    await migrate(db, await readMigrations(new URL('../../../services/payments/data/migrations', import.meta.url)));
  });
  after(async () => {
    await db.close();
  });

  it('waits for both order.placed and inventory.reserved, in either order', async () => {
    await db.tx((tx) => recordReserved(tx, 'o1'));
    assert.equal(await db.tx((tx) => tryAuthorize(tx, publish, 'o1', deps)), 'waiting');
    await db.tx((tx) => recordPlaced(tx, { orderId: 'o1', customerId: 'c', amount, token: 'tok_approve' }));
    assert.equal(await db.tx((tx) => tryAuthorize(tx, publish, 'o1', deps)), 'authorized');
    assert.equal((await findPayment(db, 'o1'))?.token, null, 'the card token is dropped after the answer');
  });

  it('authorizes and refunds at most once per order', async () => {
    assert.equal(await db.tx((tx) => tryAuthorize(tx, publish, 'o1', deps)), 'skipped');
    await db.tx((tx) => recordPlaced(tx, { orderId: 'o1', customerId: 'c', amount, token: 'tok_approve' }));
    assert.equal(await db.tx((tx) => tryAuthorize(tx, publish, 'o1', deps)), 'skipped');
    assert.equal(await count('authorizations', 'o1'), 1);
    assert.equal(await db.tx((tx) => compensate(tx, publish, 'o1', deps)), 'refunded');
    assert.equal(await db.tx((tx) => compensate(tx, publish, 'o1', deps)), 'nothing');
    assert.equal(await count('refunds', 'o1'), 1);
    assert.deepEqual(
      published.filter((p) => (p.data as { orderId: string }).orderId === 'o1').map((p) => p.type),
      ['payment.authorized', 'payment.refunded'],
    );
  });

  it('a cancellation that arrives first prevents the authorization', async () => {
    await db.tx((tx) => recordPlaced(tx, { orderId: 'o2', customerId: 'c', amount, token: 'tok_approve' }));
    await db.tx(async (tx) => {
      await ensurePayment(tx, 'o2');
      assert.equal(await compensate(tx, publish, 'o2', deps), 'cancelled');
    });
    await db.tx((tx) => recordReserved(tx, 'o2'));
    assert.equal(await db.tx((tx) => tryAuthorize(tx, publish, 'o2', deps)), 'skipped');
    assert.equal(await count('authorizations', 'o2'), 0);
  });

  it('a decline publishes payment.failed; no answer publishes nothing and a cancellation voids', async () => {
    await db.tx((tx) => recordPlaced(tx, { orderId: 'o3', customerId: 'c', amount, token: 'tok_decline' }));
    await db.tx((tx) => recordReserved(tx, 'o3'));
    assert.equal(await db.tx((tx) => tryAuthorize(tx, publish, 'o3', deps)), 'failed');
    assert.equal(published.at(-1)?.type, 'payment.failed');

    const before = published.length;
    await db.tx((tx) => recordPlaced(tx, { orderId: 'o4', customerId: 'c', amount, token: 'tok_timeout' }));
    await db.tx((tx) => recordReserved(tx, 'o4'));
    assert.equal(await db.tx((tx) => tryAuthorize(tx, publish, 'o4', deps)), 'timed_out');
    assert.equal(published.length, before);
    assert.equal(await db.tx((tx) => compensate(tx, publish, 'o4', deps)), 'voided');
    assert.equal((await findPayment(db, 'o4'))?.status, 'voided');
  });
});
