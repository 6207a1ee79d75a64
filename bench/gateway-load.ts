/**
 * The load generator of bench/gateway.ts in its own process, so it can be given a CPU of its own
 * (or share one) like the servers: `gateway-load.ts '<autocannon options as JSON>'` runs autocannon
 * and prints one JSON line with the figures the driver reads.
 */
import { createRequire } from 'node:module';

interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
// autocannon ships no type declarations; load it as CommonJS with the small shape used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<LoadResult>;

const options = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const r = await autocannon(options);
console.log(JSON.stringify({ requests: r.requests, latency: r.latency, non2xx: r.non2xx, errors: r.errors }));
