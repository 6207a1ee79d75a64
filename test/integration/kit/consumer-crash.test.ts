/**
 * Must-show: a consumer process SIGKILLed mid-batch loses nothing and doubles nothing after its
 * restart: handled offsets not yet committed come again and the inbox skips them.
 */
import assert from 'node:assert/strict';
import { OutboxRelay } from '../../../services/kit/index.ts';
import { startChild, type Child } from './child.ts';
import { crashWorld, publishMany, type CrashWorld } from './crash-setup.ts';
import { memoryLogger, unique, waitFor } from './support.ts';

describe('consumer process killed mid-batch (real Kafka and PostgreSQL)', function () {
  this.timeout(150_000);
  let world: CrashWorld;
  const children: Child[] = [];

  before(async () => {
    world = await crashWorld('consumercrash');
  });
  after(async () => {
    for (const c of children) c.process.kill('SIGKILL');
    await world.dispose();
  });

  it('ends with every effect exactly once, in per-key order', async () => {
    const total = await publishMany(world, 30, 100);
    const relay = new OutboxRelay({ db: world.db, transport: world.transport, log: memoryLogger('r').log });
    assert.equal(await relay.flush(30_000), total);

    const env = { ...world.env, GROUP: unique('cg'), HANDLER_DELAY_MS: '2' };
    const first = startChild('consumer-process', env);
    children.push(first);
    await first.ready;
    await waitFor('a third of the effects', async () => (await world.effects()).count >= total / 3, 60_000, 20);
    first.process.kill('SIGKILL');
    assert.equal(await first.exited, 'SIGKILL');
    const atKill = (await world.effects()).count;
    assert.ok(atKill < total, 'killed before the end');
    // Mid-batch: effects were committed for records whose offsets were not, so they come again.
    const [lag] = await world.transport.lag(env.GROUP, [world.catalog['thing.happened'].topic]);
    const committedOffsets = total - (lag?.lag ?? 0);
    assert.ok(committedOffsets < atKill, `expected handled-but-uncommitted records (${committedOffsets} committed, ${atKill} effects)`);

    const second = startChild('consumer-process', env);
    children.push(second);
    await second.ready;
    await waitFor(`${total} effects`, async () => (await world.effects()).count >= total, 90_000, 200);
    await new Promise((r) => setTimeout(r, 500));
    second.process.kill('SIGTERM');
    assert.equal(await second.exited, 0, `graceful stop failed: ${second.stderr().slice(-1000)}`);

    assert.deepEqual(await world.effects(), { count: total, distinct: total, violations: 0 });
  });
});
