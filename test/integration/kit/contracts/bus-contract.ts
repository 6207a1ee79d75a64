/**
 * The event bus contract: what the Kafka and in-process transports must do the same way once the
 * kit's outbox, relay and consumer run on them.
 */
import assert from 'node:assert/strict';
import {
  EventBus,
  EVENT_HEADERS,
  UnprocessableEventError,
  createEvent,
  deadLetterTopic,
  migrate,
  eventMigrations,
  runWithContext,
  toWire,
  type Db,
  type DeliveredRecord,
  type Transport,
} from '../../../../services/kit/index.ts';
import { flakyDb, memoryLogger, testCatalog, unique, waitFor, type TestCatalog } from '../support.ts';

/** What one implementation provides to the contract. */
export interface BusFixture {
  readonly transport: Transport;
  /** A fresh store in its own schema. */
  openDb(schema: string): Promise<Db>;
  dropSchema(schema: string): Promise<void>;
  close(): Promise<void>;
}

const FAST_RETRY = { attempts: 2, backoffMs: 20, retryTopicAttempts: 1, retryDelayMs: 500 };

/** Registers the bus contract for one implementation. */
export function busContract(label: string, setup: () => Promise<BusFixture>): void {
  describe(`event bus contract: ${label}`, function () {
    this.timeout(60_000);
    let fx: BusFixture;
    let db: Db;
    let schema: string;
    let prefix: string;
    let catalog: TestCatalog;
    let bus: EventBus<TestCatalog>;
    let g1: string;
    let g2: string;
    const { log, lines } = memoryLogger('bus-contract');

    before(async () => {
      fx = await setup();
    });
    after(async () => {
      await fx.close();
    });
    beforeEach(async () => {
      schema = unique('bus');
      prefix = unique('t').replaceAll('_', '-');
      catalog = testCatalog(prefix);
      g1 = unique('g1');
      g2 = unique('g2');
      db = await fx.openDb(schema);
      await migrate(db, eventMigrations);
      await db.query('create table effects (id serial primary key, consumer text, thing_id text, seq int, event_id text, correlation_id text, causation_id text)');
      bus = new EventBus({ catalog, service: 'contract', db, transport: fx.transport, log, relay: { pollMs: 20, batchSize: 100 } });
    });
    afterEach(async () => {
      await bus.stop();
      await db.close();
      await fx.dropSchema(schema);
    });

    const effects = async () =>
      (await db.query<{ consumer: string; thing_id: string; seq: number; event_id: string; correlation_id: string; causation_id: string | null }>(
        'select consumer, thing_id, seq, event_id, correlation_id, causation_id from effects order by id',
      )).rows;
    const publish = (thingId: string, seq: number, extra: { poison?: boolean } = {}) =>
      db.tx((tx) => bus.publish(tx, { type: 'thing.happened', data: { thingId, seq, ...extra } }));

    it('delivers an outbox event with its CloudEvents attributes, once', async () => {
      await bus.subscribe(g1, {
        'thing.happened': async (event, ctx) => {
          await ctx.tx.query('insert into effects (consumer, thing_id, seq, event_id, correlation_id, causation_id) values ($1,$2,$3,$4,$5,$6)', [
            'g1',
            event.data.thingId,
            event.data.seq,
            event.id,
            event.correlationId,
            event.causationId ?? null,
          ]);
        },
      });
      await bus.start();
      const published = await runWithContext({ correlationId: 'corr-contract-1' }, () => publish('a', 1));
      assert.equal(published.source, '/vitrine/contract');
      assert.equal(published.subject, 'a');
      await waitFor('one effect', async () => (await effects()).length === 1);
      const [e] = await effects();
      assert.equal(e?.event_id, published.id);
      assert.equal(e?.correlation_id, 'corr-contract-1');
      const unsent = await db.query('select 1 from outbox where sent_at is null');
      assert.equal(unsent.rowCount, 0);
    });

    it('wakes the relay on commit instead of waiting for its poll', async () => {
      await bus.stop();
      bus = new EventBus({ catalog, service: 'contract', db, transport: fx.transport, log, relay: { pollMs: 60_000 } });
      const seen: number[] = [];
      await bus.subscribe(g1, {
        'thing.happened': async (event, ctx) => {
          seen.push(event.data.seq);
          if (event.data.seq === 1) await ctx.publish({ type: 'thing.happened', data: { thingId: 'w', seq: 2 } });
        },
      });
      await bus.start();
      await new Promise((r) => setTimeout(r, 100)); // the relay's first (empty) poll is over
      await publish('w', 1);
      await waitFor('the event and its follow-up, long before the next poll', () => seen.length === 2, 10_000);
    });

    it('keeps per-key order and fans out to every group', async () => {
      const seen: Record<'g1' | 'g2', Record<string, number[]>> = { g1: {}, g2: {} };
      for (const g of ['g1', 'g2'] as const) {
        await bus.subscribe(g === 'g1' ? g1 : g2, {
          'thing.happened': async (event) => {
            (seen[g][event.data.thingId] ??= []).push(event.data.seq);
          },
        });
      }
      await bus.start();
      const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
      for (let seq = 0; seq < 40; seq++) {
        await db.tx(async (tx) => {
          for (const k of keys) await bus.publish(tx, { type: 'thing.happened', data: { thingId: k, seq } });
        });
      }
      const total = (g: 'g1' | 'g2') => Object.values(seen[g]).reduce((s, l) => s + l.length, 0);
      await waitFor('200 deliveries to each group', () => total('g1') === 200 && total('g2') === 200);
      const expected = Array.from({ length: 40 }, (_, i) => i);
      for (const g of ['g1', 'g2'] as const) for (const k of keys) assert.deepEqual(seen[g][k], expected, `${g}/${k}`);
    });

    it('applies an event delivered twice (same ce_id) once', async () => {
      await bus.subscribe(g1, {
        'thing.happened': async (event, ctx) => {
          await ctx.tx.query('insert into effects (consumer, thing_id, seq, event_id) values ($1,$2,$3,$4)', ['g1', event.data.thingId, event.data.seq, event.id]);
        },
      });
      await bus.start();
      const event = createEvent(catalog, '/test', { type: 'thing.happened', data: { thingId: 'dup', seq: 7 } });
      const wire = toWire(catalog, event);
      await fx.transport.send([wire, wire]);
      await fx.transport.send([wire]);
      await publish('after', 1);
      await waitFor('the later event', async () => (await effects()).some((e) => e.thing_id === 'after'));
      const dup = (await effects()).filter((e) => e.thing_id === 'dup');
      assert.equal(dup.length, 1);
      const inbox = await db.query('select 1 from inbox where event_id = $1', [event.id]);
      assert.equal(inbox.rowCount, 1);
    });

    it('rolls back a failed attempt with its inbox row, and the retry applies it once', async () => {
      let calls = 0;
      await bus.subscribe(
        g1,
        {
          'thing.happened': async (event, ctx) => {
            calls++;
            await ctx.tx.query('insert into effects (consumer, thing_id, seq, event_id) values ($1,$2,$3,$4)', ['g1', event.data.thingId, event.data.seq, event.id]);
            await ctx.publish({ type: 'thing.noted', data: { thingId: event.data.thingId, note: `attempt ${ctx.attempt}` } });
            if (calls === 1) throw new Error('transient failure after writing');
          },
        },
        { retry: FAST_RETRY },
      );
      await bus.start();
      const published = await publish('flaky', 1);
      await waitFor('the effect', async () => (await effects()).length === 1);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await effects()).length, 1);
      assert.equal(calls, 2);
      const notes = await db.query<{ headers: Record<string, string> | string; value: string }>(`select headers, value from outbox where event_type = 'thing.noted'`);
      assert.equal(notes.rowCount, 1, 'only the committed attempt published its follow-up');
      const headers = typeof notes.rows[0]!.headers === 'string' ? (JSON.parse(notes.rows[0]!.headers) as Record<string, string>) : notes.rows[0]!.headers;
      assert.equal(headers.ce_causationid, published.id);
      assert.equal(headers.ce_correlationid, published.correlationId);
      assert.match(notes.rows[0]!.value, /attempt 2/);
    });

    it('dead-letters a poison event after the retries while later events keep flowing; replay delivers it once fixed', async () => {
      let fixed = false;
      let poisonCalls = 0;
      let poisonCallsWhenLastHandled = -1;
      await bus.subscribe(
        g1,
        {
          'thing.happened': async (event, ctx) => {
            if (event.data.poison) {
              poisonCalls++;
              if (!fixed) throw new Error(`cannot handle ${event.data.thingId}/${event.data.seq}`);
            } else if (event.data.seq === 6) {
              poisonCallsWhenLastHandled = poisonCalls;
            }
            await ctx.tx.query('insert into effects (consumer, thing_id, seq, event_id) values ($1,$2,$3,$4)', ['g1', event.data.thingId, event.data.seq, event.id]);
          },
        },
        { retry: FAST_RETRY },
      );
      await bus.start();
      // Same key: same partition, behind the poison.
      const poison = await publish('p', 1, { poison: true });
      for (let seq = 2; seq <= 6; seq++) await publish('p', seq);
      await waitFor('later events on the same partition', async () => (await effects()).length === 5);
      // They flowed while the poison waited in the retry topic, not after it was given up.
      assert.ok(poisonCallsWhenLastHandled < FAST_RETRY.attempts * (1 + FAST_RETRY.retryTopicAttempts), `poison calls ${poisonCallsWhenLastHandled}`);
      const dlq = deadLetterTopic(catalog['thing.happened'].topic, g1);
      let dead: DeliveredRecord | undefined;
      await waitFor('the dead letter', async () => {
        await fx.transport.drain(unique('peek'), [dlq], async (r) => {
          dead = r;
        });
        return dead !== undefined;
      });
      assert.equal(dead?.headers.ce_id, poison.id);
      assert.match(dead?.headers[EVENT_HEADERS.error] ?? '', /cannot handle p\/1/);
      assert.equal(dead?.headers[EVENT_HEADERS.group], g1);
      assert.equal(dead?.headers[EVENT_HEADERS.originalTopic], catalog['thing.happened'].topic);
      // attempts in process × (1 + retry-topic passes)
      assert.equal(poisonCalls, FAST_RETRY.attempts * (1 + FAST_RETRY.retryTopicAttempts));
      assert.deepEqual(await bus.deadLetterDepth(), [{ group: g1, topic: dlq, lag: 1 }]);

      fixed = true;
      assert.equal(await bus.replay(g1), 1);
      await waitFor('the replayed event', async () => (await effects()).some((e) => e.seq === 1));
      assert.equal(await bus.replay(g1), 0, 'a dead letter is replayed once');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await effects()).filter((e) => e.seq === 1).length, 1);
      assert.deepEqual(await bus.deadLetterDepth(), [{ group: g1, topic: dlq, lag: 0 }]);
      assert.ok(lines.some((l) => l.msg === 'event dead-lettered' && l.eventId === poison.id));
    });

    it('dead-letters an invalid record at once and an unprocessable one without retries', async () => {
      let calls = 0;
      await bus.subscribe(
        g1,
        {
          'thing.happened': async (event) => {
            calls++;
            if (event.data.seq === 13) throw new UnprocessableEventError('seq 13 is never valid');
          },
        },
        { retry: { ...FAST_RETRY, retryDelayMs: 60_000 } },
      );
      await bus.start();
      const topic = catalog['thing.happened'].topic;
      const good = toWire(catalog, createEvent(catalog, '/test', { type: 'thing.happened', data: { thingId: 'x', seq: 1 } }));
      await fx.transport.send([
        { ...good, value: '{"thingId":"x","seq":-1}' },
        { ...good, value: 'not json', headers: { ...good.headers, ce_id: 'other-id' } },
      ]);
      await publish('x', 13);
      await publish('x', 14);
      await waitFor('the valid events', () => calls === 2);
      const reasons: string[] = [];
      await waitFor('three dead letters', async () => {
        await fx.transport.drain(unique('peek'), [deadLetterTopic(topic, g1)], async (r) => {
          reasons.push(r.headers[EVENT_HEADERS.error] ?? '');
        });
        return reasons.length === 3;
      });
      assert.match(reasons[0]!, /invalid thing.happened data: seq/);
      assert.match(reasons[1]!, /not JSON/);
      assert.match(reasons[2]!, /seq 13 is never valid/);
    });

    it('keeps an event through a store outage: no dead letter, one effect once the store is back', async () => {
      await bus.stop();
      const flaky = flakyDb(db);
      bus = new EventBus({ catalog, service: 'contract', db: flaky, transport: fx.transport, log, relay: false });
      let calls = 0;
      await bus.subscribe(
        g1,
        {
          'thing.happened': async (event, ctx) => {
            calls++;
            await ctx.tx.query('insert into effects (consumer, thing_id, seq, event_id) values ($1,$2,$3,$4)', ['g1', event.data.thingId, event.data.seq, event.id]);
          },
        },
        { retry: { ...FAST_RETRY, retryTopicAttempts: 0 } },
      );
      await bus.start();
      flaky.down = true;
      await fx.transport.send([toWire(catalog, createEvent(catalog, '/test', { type: 'thing.happened', data: { thingId: 'o', seq: 1 } }))]);
      await new Promise((r) => setTimeout(r, 1_500)); // the consumer tries and fails meanwhile
      assert.equal(calls, 0);
      flaky.down = false;
      await waitFor('the effect after the outage', async () => (await effects()).length === 1);
      assert.deepEqual(await bus.deadLetterDepth(), [{ group: g1, topic: deadLetterTopic(catalog['thing.happened'].topic, g1), lag: 0 }]);
      assert.equal(calls, 1);
    });

    it('stop waits for the handler in flight and flushes the outbox', async () => {
      await bus.stop();
      bus = new EventBus({ catalog, service: 'contract', db, transport: fx.transport, log, relay: { pollMs: 60_000 } });
      let started = false;
      await bus.subscribe(g1, {
        'thing.happened': async (event, ctx) => {
          started = true;
          await new Promise((r) => setTimeout(r, 700));
          await ctx.tx.query('insert into effects (consumer, thing_id, seq, event_id) values ($1,$2,$3,$4)', ['g1', event.data.thingId, event.data.seq, event.id]);
        },
      });
      await bus.start();
      await publish('s', 1);
      await waitFor('the handler to start', () => started);
      // Written without waking the relay: only the flush on stop can send it.
      await db.tx((tx) => bus.outbox.publish(tx, { type: 'thing.noted', data: { thingId: 's', note: 'late' } }));
      await bus.stop();
      assert.equal((await effects()).length, 1, 'the handler in flight finished and committed');
      const unsent = await db.query('select 1 from outbox where sent_at is null');
      assert.equal(unsent.rowCount, 0, 'the outbox was flushed');
    });

    it('reports consumer lag', async () => {
      await bus.subscribe(g1, { 'thing.happened': async () => {} });
      await bus.start();
      await publish('l', 1);
      await waitFor('zero lag', async () => {
        const lag = await bus.lag();
        return lag.some((l) => l.group === g1 && l.topic === catalog['thing.happened'].topic) && lag.every((l) => l.lag === 0);
      });
    });
  });
}
