/**
 * Inventory's reservation SQL under real PostgreSQL concurrency, without Kafka in the way: many
 * transactions race for a few units, multi-line orders lock SKUs in opposite line order (no
 * deadlock: SKUs are locked sorted), and the result is never oversold.
 */
import assert from 'node:assert/strict';
import { createPgDb, migrate, readMigrations, type Db } from '../../../services/kit/index.ts';
import { reserveAll, releaseReservation } from '../../../services/inventory/data/stock-repo.ts';
import { databaseUrl } from '../../support/engines.ts';

describe('inventory reservations on PostgreSQL under concurrency', function () {
  this.timeout(60_000);
  const schema = `inv_race_${process.pid}_${Date.now().toString(36)}`;
  let db: Db;
  /** An order the race let through (which ones win is up to PostgreSQL). */
  let winner = '';

  before(async () => {
    db = await createPgDb({ connectionString: databaseUrl(), schema, max: 10 });
    await migrate(db, await readMigrations(new URL('../../../services/inventory/data/migrations', import.meta.url)));
    await db.query(`insert into stock (sku, available) values ('A', 20), ('B', 30), ('C', 5)`);
  });
  after(async () => {
    await db.query(`drop schema ${schema} cascade`);
    await db.close();
  });

  it('200 racing single-line reservations for 20 units: exactly 20 succeed', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => db.tx((tx) => reserveAll(tx, `o-${i}`, [{ sku: 'A', quantity: 1 }], 60_000))));
    assert.equal(results.filter((r) => r.kind === 'reserved').length, 20);
    winner = `o-${results.findIndex((r) => r.kind === 'reserved')}`;
    assert.equal(results.filter((r) => r.kind === 'rejected').length, 180);
    const s = await db.query<{ available: number; reserved: number }>(`select available, reserved from stock where sku = 'A'`);
    assert.deepEqual(s.rows[0], { available: 0, reserved: 20 });
  });

  it('multi-line orders are all-or-nothing and do not deadlock', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        db.tx((tx) =>
          reserveAll(
            tx,
            `m-${i}`,
            i % 2 === 0
              ? [{ sku: 'C', quantity: 1 }, { sku: 'B', quantity: 2 }]
              : [{ sku: 'B', quantity: 2 }, { sku: 'C', quantity: 1 }],
            60_000,
          ),
        ),
      ),
    );
    const reserved = results.filter((r) => r.kind === 'reserved').length;
    assert.equal(reserved, 5, 'C (5 units) limits the orders');
    const s = await db.query<{ sku: string; available: number }>(`select sku, available from stock where sku in ('B', 'C') order by sku`);
    assert.deepEqual(s.rows, [
      { sku: 'B', available: 30 - 2 * reserved },
      { sku: 'C', available: 0 },
    ]);
  });

  it('a redelivered order is a duplicate and a release gives the units back once', async () => {
    assert.equal((await db.tx((tx) => reserveAll(tx, winner, [{ sku: 'A', quantity: 1 }], 60_000))).kind, 'duplicate');
    const first = await db.tx((tx) => releaseReservation(tx, winner, 'cancelled'));
    const second = await db.tx((tx) => releaseReservation(tx, winner, 'cancelled'));
    assert.ok(first);
    assert.equal(second, undefined);
    const s = await db.query<{ available: number; reserved: number }>(`select available, reserved from stock where sku = 'A'`);
    assert.deepEqual(s.rows[0], { available: 1, reserved: 19 });
  });
});
