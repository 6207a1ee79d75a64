import assert from 'node:assert/strict';
import { createMemoryTransport, type WireRecord } from '../../../services/kit/index.ts';

const records = (topic: string, n: number): WireRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic, key: 'k', value: String(i), headers: { ce_id: String(i) } }));

async function consume(transport: ReturnType<typeof createMemoryTransport>, group: string, topic: string, until: number): Promise<string[]> {
  const seen: string[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  const sub = await transport.subscribe({
    group,
    topics: [topic],
    handler: async (r) => {
      seen.push(r.value);
      if (seen.length === until) done();
    },
  });
  await all;
  await sub.stop();
  return seen;
}

describe('kit in-process transport', () => {
  it('drops what every subscribed group handled, keeping offsets and lag right', async () => {
    const transport = createMemoryTransport({ partitions: 1 });
    await transport.send(records('t', 2_500));
    const first = await consume(transport, 'a', 't', 2_500);
    assert.deepEqual(first.slice(0, 3), ['0', '1', '2']);
    assert.deepEqual(await transport.lag('a', ['t']), [{ group: 'a', topic: 't', lag: 0 }]);
    // A group that comes later starts at the oldest record kept (2,000 were dropped in chunks of 1,000).
    assert.deepEqual(await transport.lag('late', ['t']), [{ group: 'late', topic: 't', lag: 500 }]);
    const late = await consume(transport, 'late', 't', 500);
    assert.equal(late[0], '2000');
    await transport.send(records('t', 1));
    assert.deepEqual(await transport.lag('a', ['t']), [{ group: 'a', topic: 't', lag: 1 }]);
    await transport.close();
  });

  it('redelivers a record whose handler threw, in order', async () => {
    const transport = createMemoryTransport({ partitions: 1 });
    await transport.send(records('r', 3));
    const seen: string[] = [];
    let failed = false;
    let done: () => void = () => {};
    const all = new Promise<void>((r) => (done = r));
    const sub = await transport.subscribe({
      group: 'g',
      topics: ['r'],
      handler: async (r) => {
        if (r.value === '1' && !failed) {
          failed = true;
          throw new Error('once');
        }
        seen.push(r.value);
        if (seen.length === 3) done();
      },
    });
    await all;
    await sub.stop();
    assert.deepEqual(seen, ['0', '1', '2']);
    await transport.close();
  });

  it('refuses a second consumer of the same group and topic in the process', async () => {
    const transport = createMemoryTransport();
    const sub = await transport.subscribe({ group: 'g', topics: ['x'], handler: async () => {} });
    await assert.rejects(transport.subscribe({ group: 'g', topics: ['x'], handler: async () => {} }), /already consumes/);
    await sub.stop();
    await transport.close();
  });
});
