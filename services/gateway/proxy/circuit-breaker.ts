/**
 * A per-upstream circuit breaker: after `failureThreshold` consecutive failures the circuit opens
 * and requests fail fast for `resetMs`; then one probe is let through (half-open) and its outcome
 * closes or re-opens the circuit. Failing fast keeps a dead upstream from tying up the gateway's
 * connections and the callers' time.
 */

/** Circuit states, as exported in the `gateway_circuit_state` gauge (0, 1, 2). */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Breaker settings. */
export interface BreakerOptions {
  readonly failureThreshold: number;
  readonly resetMs: number;
  /** Clock, replaceable in tests. @default Date.now */
  readonly now?: () => number;
}

/** A circuit breaker for one upstream. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private stateValue: CircuitState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Current state (moves from open to half-open when the reset time has passed). */
  get state(): CircuitState {
    if (this.stateValue === 'open' && this.now() - this.openedAt >= this.options.resetMs) this.stateValue = 'half-open';
    return this.stateValue;
  }

  /** Whether a request may go to the upstream now; in half-open only one probe at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  /** Milliseconds until the circuit lets a probe through (0 when closed). */
  retryAfterMs(): number {
    return this.stateValue === 'open' ? Math.max(0, this.options.resetMs - (this.now() - this.openedAt)) : 0;
  }

  /** Records a success: closes the circuit. */
  onSuccess(): void {
    this.failures = 0;
    this.probing = false;
    this.stateValue = 'closed';
  }

  /** Records a failure: opens the circuit at the threshold or when a probe fails. */
  onFailure(): void {
    this.failures++;
    if (this.probing || this.failures >= this.options.failureThreshold) {
      this.stateValue = 'open';
      this.openedAt = this.now();
      this.probing = false;
    }
  }
}
