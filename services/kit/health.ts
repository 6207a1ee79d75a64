/**
 * Liveness and readiness. `/healthz` says the process runs; `/readyz` runs pluggable checks (one
 * per engine the service uses, plus flags such as "consumer crashed") and fails while draining.
 */

/** A readiness check: resolves when ready, throws (or rejects) with the reason otherwise. */
export type ReadinessCheck = () => Promise<void> | void;

/** Result of one check. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

const CHECK_TIMEOUT_MS = 2_000;

/** The set of readiness checks of one service. */
export class Health {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly failures = new Map<string, string>();
  private draining = false;

  /** Adds or replaces a named check. */
  addCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Marks a component unready (e.g. a crashed consumer) until {@link setReady} is called. */
  setUnready(name: string, reason: string): void {
    this.failures.set(name, reason);
  }

  /** Clears a mark set by {@link setUnready}. */
  setReady(name: string): void {
    this.failures.delete(name);
  }

  /** From now on readiness fails, so the load balancer stops sending traffic. */
  startDraining(): void {
    this.draining = true;
  }

  /** True once shutdown began. */
  get isDraining(): boolean {
    return this.draining;
  }

  /** Runs every check (in parallel, each bounded by a timeout). */
  async run(): Promise<{ ok: boolean; checks: CheckResult[] }> {
    const results: CheckResult[] = [];
    if (this.draining) results.push({ name: 'shutdown', ok: false, error: 'draining' });
    for (const [name, reason] of this.failures) results.push({ name, ok: false, error: reason });
    const ran = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<CheckResult> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(check),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
            }),
          ]);
          return { name, ok: true };
        } catch (err) {
          return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    results.push(...ran);
    return { ok: results.every((r) => r.ok), checks: results };
  }
}
