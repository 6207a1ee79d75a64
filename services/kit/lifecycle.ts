/**
 * Graceful shutdown: closers run in the reverse order of registration (last started, first
 * stopped), each bounded, the whole bounded by a deadline; SIGTERM/SIGINT trigger it once.
 */
import type { Logger } from './logging.ts';

/** A named step of shutdown. */
export interface Closer {
  readonly name: string;
  close(): Promise<void>;
}

/** Ordered shutdown of one process or service. */
export class Lifecycle {
  private readonly closers: Closer[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  /** Registers a step; steps run last-registered first. */
  onClose(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  /** True once {@link close} was called. */
  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  /** Runs every step once (later calls return the same promise); a failing step does not stop the others. */
  close(deadlineMs = 25_000): Promise<void> {
    this.closing ??= (async () => {
      const started = Date.now();
      for (const closer of [...this.closers].reverse()) {
        const left = Math.max(1, deadlineMs - (Date.now() - started));
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            closer.close(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`did not finish within ${left} ms`)), left);
            }),
          ]);
          this.log.info({ step: closer.name }, 'shutdown step done');
        } catch (err) {
          this.log.error({ step: closer.name, err }, 'shutdown step failed');
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return this.closing;
  }

  /** Closes on SIGTERM/SIGINT, then exits (status 0, or 1 when the deadline had to cut work). */
  handleSignals(deadlineMs = 25_000): void {
    const onSignal = (signal: NodeJS.Signals) => {
      this.log.info({ signal }, 'shutting down');
      const hardStop = setTimeout(() => process.exit(1), deadlineMs + 2_000);
      hardStop.unref();
      void this.close(deadlineMs).then(() => process.exit(0));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
}
