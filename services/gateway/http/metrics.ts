/** The gateway's own metrics, registered on the kit's service registry. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { UpstreamRegistry } from '../proxy/upstreams.ts';

/** Gateway metrics. */
export interface GatewayMetrics {
  readonly requests: Counter<'route' | 'outcome'>;
  readonly rateLimited: Counter<'scope'>;
  readonly limiterDegraded: Counter;
  readonly reloads: Counter<'result'>;
}

const STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Registers the gateway metrics; the circuit gauge reads the breakers at scrape time. */
export function createGatewayMetrics(registry: Registry, upstreams: UpstreamRegistry): GatewayMetrics {
  new Gauge({
    name: 'gateway_circuit_state',
    help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open',
    labelNames: ['upstream'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const u of upstreams.all()) this.set({ upstream: u.name }, STATE_VALUE[u.breaker.state]);
    },
  });
  return {
    requests: new Counter({
      name: 'gateway_requests_total', help: 'Requests by route prefix and outcome (proxied, redirected, blocked, limited, error)',
      labelNames: ['route', 'outcome'] as const, registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'gateway_rate_limited_total', help: 'Requests refused by a rate limit', labelNames: ['scope'] as const, registers: [registry],
    }),
    limiterDegraded: new Counter({
      name: 'gateway_rate_limiter_unavailable_total', help: 'Requests whose rate limit could not be checked (store down)', registers: [registry],
    }),
    reloads: new Counter({
      name: 'gateway_config_reloads_total', help: 'Config reloads by result', labelNames: ['result'] as const, registers: [registry],
    }),
  };
}
