import assert from 'node:assert/strict';
import { WorkQueue, type WorkOutcome } from '../../../operator/runtime/work-queue.ts';
import { TokenBucket } from '../../../operator/runtime/rate-limiter.ts';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('processes a key added many times while waiting once', async () => {
    const seen: string[] = [];
    const q = new WorkQueue(async (k) => {
      seen.push(k);
      return { kind: 'done' };
    });
    for (let i = 0; i < 10; i++) q.add('a');
    q.add('b');
    q.start();
    await q.idle();
    assert.deepEqual(seen.sort(), ['a', 'b']);
  });

  it('never runs one key on two workers at once, and reprocesses a key added while it ran', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const q = new WorkQueue(
      async () => {
        calls += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await tick(20);
        running -= 1;
        return { kind: 'done' } as WorkOutcome;
      },
      { concurrency: 4 },
    );
    q.start();
    q.add('k');
    await tick(5);
    q.add('k'); // while processing
    q.add('k'); // de-duplicated with the previous one
    await tick(100);
    await q.idle();
    assert.equal(maxRunning, 1);
    assert.equal(calls, 2);
  });

  it('bounds concurrency', async () => {
    let running = 0;
    let maxRunning = 0;
    const q = new WorkQueue(
      async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await tick(10);
        running -= 1;
        return { kind: 'done' } as WorkOutcome;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 20; i++) q.add(`k${i}`);
    q.start();
    await q.idle();
    assert.equal(maxRunning, 3);
  });

  it('retries failures with exponential back-off and forgets after a success', async () => {
    const times: number[] = [];
    let retries = 0;
    const q = new WorkQueue(
      async () => {
        times.push(performance.now());
        if (times.length < 4) throw new Error('transient');
        return { kind: 'done' } as WorkOutcome;
      },
      { baseDelayMs: 20, observer: { depth() {}, added() {}, retried: () => void (retries += 1), processed() {} } },
    );
    q.start();
    q.add('x');
    await tick(400);
    assert.equal(times.length, 4);
    assert.equal(retries, 3);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    // 20, 40, 80 ms: each gap at least the back-off, and growing.
    assert.ok((gaps[0] as number) >= 18 && (gaps[1] as number) >= 38 && (gaps[2] as number) >= 78, `gaps ${gaps}`);
    assert.equal(q.retries('x'), 0);
  });

  it('requeues after the asked delay, keeping the earliest of two delays', async () => {
    let calls = 0;
    const q = new WorkQueue(async () => {
      calls += 1;
      return { kind: 'done' };
    });
    q.start();
    q.addAfter('d', 200);
    q.addAfter('d', 30);
    await tick(80);
    assert.equal(calls, 1);
    await tick(200);
    assert.equal(calls, 1);
  });

  it('stops taking keys on shutDown', async () => {
    let calls = 0;
    const q = new WorkQueue(async () => {
      calls += 1;
      await tick(10);
      return { kind: 'done' };
    });
    q.start();
    q.add('a');
    await q.shutDown();
    q.add('b');
    await tick(20);
    assert.equal(calls, 1);
  });
});

describe('TokenBucket', () => {
  it('lets a burst through at once and then paces to the rate', async () => {
    const bucket = new TokenBucket(100, 5);
    const started = performance.now();
    for (let i = 0; i < 5; i++) await bucket.take();
    assert.ok(performance.now() - started < 20);
    for (let i = 0; i < 10; i++) await bucket.take();
    const elapsed = performance.now() - started;
    // 10 more tokens at 100/s take about 100 ms.
    assert.ok(elapsed >= 85 && elapsed < 400, `elapsed ${elapsed}`);
  });

  it('rejects a nonsense configuration', () => {
    assert.throws(() => new TokenBucket(0, 1), /qps must be > 0/);
  });
});
