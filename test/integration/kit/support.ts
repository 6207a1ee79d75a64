/**
 * Helpers of the kit's integration suites: unique names, a test event catalog, waiting.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import kafkajs from 'kafkajs';
import { z } from 'zod';
import { createLogger, type Db, type EventDefinition, type Logger, type Tx } from '../../../services/kit/index.ts';

let n = 0;
/** A name unique across processes and runs, usable as topic part, group and schema. */
export function unique(prefix: string): string {
  n += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${n}`;
}

/** A catalog of two test events on topics unique to `prefix`. */
export function testCatalog(prefix: string) {
  const thing = z.object({ thingId: z.string().min(1), seq: z.number().int().nonnegative(), poison: z.boolean().optional() });
  return {
    'thing.happened': { topic: `${prefix}.things`, schema: thing, key: (d: z.infer<typeof thing>) => d.thingId },
    'thing.noted': {
      topic: `${prefix}.notes`,
      schema: z.object({ thingId: z.string().min(1), note: z.string() }),
      key: (d: { thingId: string }) => d.thingId,
    },
  } satisfies Record<string, EventDefinition>;
}
export type TestCatalog = ReturnType<typeof testCatalog>;

/**
 * Polls `check` until it returns true, or fails after `timeoutMs` with `what`. A check that throws
 * (a broker still electing the leader of a fresh topic) counts as "not yet"; the last error is
 * reported on timeout.
 */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 45_000, everyMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > until) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(everyMs);
  }
}

/** A logger that keeps lines in memory (and prints nothing). */
export function memoryLogger(name: string): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger({ name, destination: sink, level: 'debug' }), lines };
}

/**
 * Deletes the Kafka topics and consumer groups this process created through {@link unique}
 * (their names carry `<prefix>_<pid>_` or `t-<pid>-`), so suites sharing a broker stay clean.
 */
export async function cleanupKafka(brokers: string[]): Promise<void> {
  const admin = new kafkajs.Kafka({ clientId: 'kit-test-cleanup', brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const mine = (name: string) => name.includes(`_${process.pid}_`) || name.startsWith(`t-${process.pid}-`);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter(mine);
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
    const topics = (await admin.listTopics()).filter(mine);
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** A Db whose connection can be cut on demand (`down = true`): queries, transactions and ping fail. */
export function flakyDb(db: Db): Db & { down: boolean } {
  const fail = () => Promise.reject(new Error('connection terminated (injected outage)'));
  const flaky = {
    down: false,
    schema: db.schema,
    engine: db.engine,
    query: <R>(sql: string, params?: readonly unknown[]) => (flaky.down ? fail() : db.query<R>(sql, params)),
    tx: <T>(fn: (tx: Tx) => Promise<T>) => (flaky.down ? fail() : db.tx(fn)),
    ping: () => (flaky.down ? fail() : db.ping()),
    close: () => db.close(),
  };
  return flaky as Db & { down: boolean };
}
