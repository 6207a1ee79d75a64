/**
 * The upstream registry: one undici keep-alive Pool and one circuit breaker per upstream. On a
 * config reload, upstreams whose settings did not change keep their pool (and its warm
 * connections); removed or changed ones are closed after their in-flight requests finish.
 */
import { Pool } from 'undici';
import type { UpstreamConfig } from '../config/schema.ts';
import { CircuitBreaker } from './circuit-breaker.ts';

/** A live upstream. */
export interface Upstream {
  readonly name: string;
  readonly config: UpstreamConfig;
  readonly pool: Pool;
  readonly breaker: CircuitBreaker;
}

/** Keeps pools across reloads. */
export class UpstreamRegistry {
  private readonly byName = new Map<string, Upstream>();

  /** The upstream of a service name. */
  get(name: string): Upstream | undefined {
    return this.byName.get(name);
  }

  /** All live upstreams. */
  all(): Upstream[] {
    return [...this.byName.values()];
  }

  /** Applies a new set of upstreams; returns the pools to close (gracefully, by the caller). */
  apply(configs: Readonly<Record<string, UpstreamConfig>>): Pool[] {
    const retired: Pool[] = [];
    for (const [name, current] of this.byName) {
      const next = configs[name];
      if (next === undefined || JSON.stringify(next) !== JSON.stringify(current.config)) {
        retired.push(current.pool);
        this.byName.delete(name);
      }
    }
    for (const [name, config] of Object.entries(configs)) {
      if (this.byName.has(name)) continue;
      const pool = new Pool(new URL(config.url).origin, {
        connections: config.connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        headersTimeout: config.timeoutMs,
        bodyTimeout: config.timeoutMs,
        connectTimeout: Math.min(config.timeoutMs, 5_000),
      });
      const breaker = new CircuitBreaker(config.breaker);
      this.byName.set(name, { name, config, pool, breaker });
    }
    return retired;
  }

  /** Closes every pool (waits for in-flight requests). */
  async close(): Promise<void> {
    const pools = [...this.byName.values()].map((u) => u.pool);
    this.byName.clear();
    await Promise.allSettled(pools.map((p) => p.close()));
  }
}
