/**
 * Must-show: 10,000 events through the outbox while the relay process is SIGKILLed twice, each
 * time after Kafka acknowledged a batch and before the batch was marked sent. The consumer's table
 * holds exactly 10,000 effects, in per-key order, although the wire carries duplicates.
 */
import assert from 'node:assert/strict';
import { EventBus } from '../../../services/kit/index.ts';
import { startChild, type Child } from './child.ts';
import { crashWorld, publishMany, type CrashWorld } from './crash-setup.ts';
import { memoryLogger, unique, waitFor } from './support.ts';

describe('outbox relay killed twice (real Kafka and PostgreSQL)', function () {
  this.timeout(150_000);
  let world: CrashWorld;
  let bus: EventBus<CrashWorld['catalog']> | undefined;
  const children: Child[] = [];

  before(async () => {
    world = await crashWorld('relaycrash');
  });
  after(async () => {
    for (const c of children) c.process.kill('SIGKILL');
    await bus?.stop();
    await world.dispose();
  });

  it('delivers exactly 10,000 effects in per-key order', async () => {
    const total = await publishMany(world, 50, 200);
    assert.equal(total, 10_000);

    // The consumer: checks per-key order and records one effect per event, in the inbox transaction.
    bus = new EventBus({ catalog: world.catalog, service: 'relaycrash', db: world.db, transport: world.transport, log: memoryLogger('c').log, relay: false });
    await bus.subscribe(
      unique('relaycrash'),
      {
        'thing.happened': async (event, ctx) => {
          const prev = await ctx.tx.query<{ m: number }>('select coalesce(max(seq), -1)::int as m from effects where thing_id = $1', [event.data.thingId]);
          if (prev.rows[0]?.m !== event.data.seq - 1) {
            await ctx.tx.query('insert into violations values ($1, $2, $3)', [event.data.thingId, event.data.seq, prev.rows[0]?.m]);
          }
          await ctx.tx.query('insert into effects (thing_id, seq, event_id) values ($1, $2, $3)', [event.data.thingId, event.data.seq, event.id]);
        },
      },
      { concurrency: 3 },
    );
    await bus.start();

    // Relay runs 1 and 2 are killed in the pause after a batch was acknowledged, once past a threshold.
    const killAt = [3_000, 6_500];
    let sentOnWire = 0;
    for (let run = 0; run < 3; run++) {
      const threshold = killAt[run];
      const child = startChild('relay-process', { ...world.env, BATCH_SIZE: '500', PAUSE_AFTER_SEND_MS: threshold ? '150' : '0' }, (line, proc) => {
        if (typeof line.sent !== 'number') return;
        sentOnWire += line.sent;
        if (threshold !== undefined && sentOnWire >= threshold) proc.kill('SIGKILL');
      });
      children.push(child);
      await child.ready;
      if (threshold === undefined) break;
      assert.equal(await child.exited, 'SIGKILL');
    }

    await waitFor('every outbox row sent', async () => (await world.db.query('select 1 from outbox where sent_at is null limit 1')).rowCount === 0, 60_000, 200);
    await waitFor('10,000 effects', async () => (await world.effects()).count >= 10_000, 90_000, 200);
    await new Promise((r) => setTimeout(r, 500)); // anything extra would show up now

    const result = await world.effects();
    assert.deepEqual(result, { count: 10_000, distinct: 10_000, violations: 0 });
    const wire = await world.wireCount(world.catalog['thing.happened'].topic);
    // Both killed batches were on the wire already and were sent again by the next relay.
    assert.ok(wire > 10_000, `expected duplicates on the wire, got ${wire}`);
    const perKey = await world.db.query<{ thing_id: string; seqs: number[] }>('select thing_id, array_agg(seq order by id) as seqs from effects group by thing_id');
    assert.equal(perKey.rowCount, 50);
    const expected = Array.from({ length: 200 }, (_, i) => i);
    for (const row of perKey.rows) assert.deepEqual(row.seqs, expected, row.thing_id);
  });
});
