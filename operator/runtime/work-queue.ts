/**
 * A per-key de-duplicating work queue with exponential back-off and bounded concurrency, after
 * client-go's workqueue: a key added many times while waiting is processed once; a key added
 * while being processed is processed again after, never by two workers at once.
 */

/** Hooks for metrics (`workqueue_depth`, `workqueue_retries_total`, ...). */
export interface WorkQueueObserver {
  depth(n: number): void;
  added(): void;
  retried(): void;
  /** Seconds a key waited in the queue and seconds it was processed. */
  processed(queuedSeconds: number, workSeconds: number): void;
}

/** Options of a `WorkQueue`. */
export interface WorkQueueOptions {
  /** First retry delay. @default 5 (ms, like controller-runtime) */
  readonly baseDelayMs?: number;
  /** Longest retry delay. @default 300000 (5 minutes; client-go uses 1000 s) */
  readonly maxDelayMs?: number;
  /** Workers processing keys at once. @default 4 */
  readonly concurrency?: number;
  readonly observer?: WorkQueueObserver;
}

/** What a worker returns: requeue after a delay, retry with back-off, or done. */
export type WorkOutcome = { kind: 'done' } | { kind: 'after'; delayMs: number } | { kind: 'retry' };

/** The per-key de-duplicating queue. */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Map<string, number>(); // key -> time it was queued
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private running = 0;
  private started = false;
  private shuttingDown = false;
  private idleWaiters: (() => void)[] = [];
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly work: (key: string) => Promise<WorkOutcome>,
    private readonly opts: WorkQueueOptions = {},
  ) {
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 300_000;
    this.concurrency = opts.concurrency ?? 4;
    if (this.concurrency < 1) throw new RangeError(`WorkQueue: concurrency must be >= 1, got ${this.concurrency}`);
  }

  /** Keys waiting (not counting keys being processed). */
  get depth(): number {
    return this.queue.length;
  }

  /** Keys being processed now. */
  get active(): number {
    return this.running;
  }

  /** Adds a key now; a key already waiting is not added twice. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.set(key, performance.now());
    this.opts.observer?.added();
    if (!this.processing.has(key)) {
      this.queue.push(key);
      this.opts.observer?.depth(this.queue.length);
      this.pump();
    }
  }

  /** Adds a key after a delay; an earlier pending add of the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** Adds a key after its exponential back-off delay (5 ms, 10 ms, 20 ms ... up to the max). */
  addRateLimited(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** n);
    this.opts.observer?.retried();
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears a key's back-off after a success. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many times a key failed in a row. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Starts the workers. */
  start(): void {
    this.started = true;
    this.pump();
  }

  /** Stops taking keys; resolves when the keys being processed are done. */
  async shutDown(): Promise<void> {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    await this.idle();
  }

  /** Resolves when nothing is queued or being processed (delayed keys do not count). */
  idle(): Promise<void> {
    if (this.running === 0 && (this.queue.length === 0 || !this.started)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.started && !this.shuttingDown && this.running < this.concurrency && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.opts.observer?.depth(this.queue.length);
      const queuedAt = this.dirty.get(key) ?? performance.now();
      this.dirty.delete(key);
      this.processing.add(key);
      this.running += 1;
      void this.process(key, queuedAt);
    }
    if (this.running === 0 && (this.queue.length === 0 || this.shuttingDown)) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async process(key: string, queuedAt: number): Promise<void> {
    const started = performance.now();
    let outcome: WorkOutcome;
    try {
      outcome = await this.work(key);
    } catch {
      // The worker function reports its own errors; an escape here still means "retry".
      outcome = { kind: 'retry' };
    }
    this.opts.observer?.processed((started - queuedAt) / 1000, (performance.now() - started) / 1000);
    this.processing.delete(key);
    this.running -= 1;
    if (outcome.kind === 'retry') this.addRateLimited(key);
    else {
      this.forget(key);
      if (outcome.kind === 'after') this.addAfter(key, outcome.delayMs);
    }
    // A key added while it was processed waits in `dirty`; queue it now.
    if (this.dirty.has(key) && !this.shuttingDown) {
      this.queue.push(key);
      this.opts.observer?.depth(this.queue.length);
    }
    this.pump();
  }
}
