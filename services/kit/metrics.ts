/**
 * Prometheus metrics with prom-client. Each service has its own registry (several services share
 * one process under `npm start`), with default process metrics and the HTTP duration histogram.
 */
import { Registry, Histogram, collectDefaultMetrics } from 'prom-client';

export { Registry, Counter, Gauge, Histogram } from 'prom-client';

/** The metrics of one service. */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** `http_request_duration_seconds{route,method,status}`. */
  readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
}

/** Creates a registry with default metrics and the HTTP histogram, labelled with the service. */
export function createMetrics(service: string, options: { defaultMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests by route template, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpDuration };
}
