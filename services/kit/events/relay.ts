/**
 * The outbox relay: moves committed outbox rows to the transport in id order and marks them sent.
 *
 * - One relay per schema sends at a time (a transaction-scoped advisory lock), so two replicas
 *   cannot interleave batches and break per-key order; rows are also taken `FOR UPDATE SKIP LOCKED`.
 * - Housekeeping: sent rows are deleted after a day, inbox rows after 30 days.
 * - Rows are marked sent in the transaction that selected them, after the transport acknowledged
 *   them (Kafka: idempotent producer, acks=all). A crash between the two re-sends the batch on the
 *   next start: at-least-once on the wire, and the consumers' inbox makes it exactly-once in effect.
 */
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging.ts';
import type { WireRecord } from './envelope.ts';
import type { Transport } from './transport.ts';

/** Options of {@link OutboxRelay}. */
export interface RelayOptions {
  readonly db: Db;
  readonly transport: Transport;
  readonly log: Logger;
  /** Rows per transaction. @default 500 */
  readonly batchSize?: number;
  /** Poll interval after a non-empty batch; doubles while the outbox stays empty, up to `maxIdlePollMs`. @default 200 */
  readonly pollMs?: number;
  /**
   * Longest idle poll interval. Commits in this process wake the relay at once, so polling is only
   * the safety net for rows left by another process (a replica that died); it need not be eager.
   * @default 2000
   */
  readonly maxIdlePollMs?: number;
  /** Sent rows older than this are deleted. @default 24 h */
  readonly retentionMs?: number;
  /**
   * Inbox rows older than this are deleted. It must exceed the longest time an event can come
   * again: topic retention and dead-letter retention (14 days) plus the time to replay. @default 30 days
   */
  readonly inboxRetentionMs?: number;
  /** Called with the size of each batch sent (metrics). */
  readonly onSent?: (count: number) => void;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  headers: Record<string, string> | string;
  value: string;
}

const MAX_ERROR_BACKOFF_MS = 5_000;
const CLEANUP_EVERY_MS = 60_000;

/** Polls the outbox and sends what is committed. */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  // Set by wake() while a batch is in flight, so the loop does not sleep over a fresh commit.
  private woken = false;
  private lastCleanup = 0;
  private readonly batchSize: number;
  private readonly pollMs: number;

  constructor(private readonly options: RelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 200;
  }

  /** Sends one batch; returns how many rows were sent (0 when empty or another relay holds the lock). */
  async sendBatch(): Promise<number> {
    const { db, transport } = this.options;
    return db.tx(async (tx) => {
      const lock = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock(hashtext($1)) as ok', [`${db.schema}.outbox`]);
      if (!lock.rows[0]?.ok) return 0;
      // `order by outbox.id`, not `id`: the output column `id` is text, and text order breaks per-key order.
      const rows = await tx.query<OutboxRow>(
        'select id::text as id, topic, key, headers, value from outbox where sent_at is null order by outbox.id limit $1 for update skip locked',
        [this.batchSize],
      );
      if (rows.rows.length === 0) return 0;
      const records: WireRecord[] = rows.rows.map((r) => ({
        topic: r.topic,
        key: r.key,
        value: r.value,
        headers: typeof r.headers === 'string' ? (JSON.parse(r.headers) as Record<string, string>) : r.headers,
      }));
      await transport.send(records);
      await tx.query('update outbox set sent_at = now() where id = any($1::bigint[])', [rows.rows.map((r) => r.id)]);
      tx.onCommit(() => this.options.onSent?.(rows.rows.length));
      return rows.rows.length;
    });
  }

  /** Sends until the outbox is empty (or `deadlineMs` passes); returns how many were sent. */
  async flush(deadlineMs = 10_000): Promise<number> {
    const until = Date.now() + deadlineMs;
    let total = 0;
    for (;;) {
      const n = await this.sendBatch();
      total += n;
      if (n === 0 || Date.now() > until) return total;
    }
  }

  /** Starts the polling loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Wakes the loop now (e.g. right after a commit) instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops polling after the batch in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Age in seconds of the oldest unsent row (0 when none). */
  async oldestUnsentAgeSeconds(): Promise<number> {
    const r = await this.options.db.query<{ age: number | string | null }>(
      'select extract(epoch from now() - min(created_at))::float8 as age from outbox where sent_at is null',
    );
    return Number(r.rows[0]?.age ?? 0);
  }

  private async run(): Promise<void> {
    let failures = 0;
    let idle = this.pollMs;
    const maxIdle = Math.max(this.pollMs, this.options.maxIdlePollMs ?? 2_000);
    while (this.running) {
      let sent = 0;
      this.woken = false;
      try {
        sent = await this.sendBatch();
        failures = 0;
        if (Date.now() - this.lastCleanup > CLEANUP_EVERY_MS) await this.cleanup();
      } catch (err) {
        failures++;
        this.options.log.warn({ err, failures }, 'outbox relay batch failed; will retry');
      }
      if (failures === 0 && (sent === this.batchSize || this.woken)) {
        this.woken = false;
        idle = this.pollMs;
        continue;
      }
      idle = sent > 0 ? this.pollMs : Math.min(maxIdle, idle * 2);
      const delay = failures > 0 ? Math.min(MAX_ERROR_BACKOFF_MS, this.pollMs * 2 ** failures) : idle;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async cleanup(): Promise<void> {
    this.lastCleanup = Date.now();
    const retention = this.options.retentionMs ?? 24 * 3_600_000;
    const inboxRetention = this.options.inboxRetentionMs ?? 30 * 24 * 3_600_000;
    await this.options.db.query(`delete from outbox where sent_at < now() - ($1::float8 * interval '1 millisecond')`, [retention]);
    await this.options.db.query(`delete from inbox where handled_at < now() - ($1::float8 * interval '1 millisecond')`, [inboxRetention]);
  }
}
