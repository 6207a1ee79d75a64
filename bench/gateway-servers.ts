/**
 * Child processes of bench/gateway.ts, so that the load generator, the gateway and the upstream do
 * not share one event loop. `tsx bench/gateway-servers.ts upstream-kit` serves a stand-in of the
 * shipping service's tracking API (a JSON timeline) on the kit's Express app — the stack every
 * service runs; `upstream-bare` serves the same JSON from plain node:http (the cheapest possible
 * upstream, a worst case for the ratio); `gateway <upstream-url>` runs the real gateway in front
 * (WAF on, per-address limits on, Redis when REDIS_URL is set). Each prints `{"port":N}` when listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Health, createApp, createLogger, createMetrics, finishApp } from '../services/kit/index.ts';
import { parseGatewayConfig } from '../services/gateway/config/schema.ts';
import { createMemoryRateLimiter } from '../services/gateway/edge/memory-rate-limiter.ts';
import { createRedisRateLimiter } from '../services/gateway/edge/rate-limiter.ts';
import { openLimiterRedis } from '../services/gateway/edge/redis-client.ts';
import { createTokenVerifier } from '../services/gateway/edge/token-verifier.ts';
import { createGateway } from '../services/gateway/gateway.ts';

const TIMELINE = JSON.stringify({
  token: 'Zx8_k-12',
  status: 'EM_TRANSITO',
  events: Array.from({ length: 6 }, (_, i) => ({
    at: `2024-11-2${i}T1${i}:00:00-03:00`, code: `E${i}`, description: 'Objeto em trânsito - por favor aguarde', location: 'São Paulo / SP',
  })),
});

const role = process.argv[2];
if (role === 'upstream-kit') {
  const log = createLogger({ name: 'shipping', level: 'warn' });
  const app = createApp({ log, metrics: createMetrics('shipping'), health: new Health() });
  app.get('/api/tracking/:token', (_req, res) => {
    res.type('application/json').send(TIMELINE);
  });
  finishApp(app, log);
  const server = createServer({ keepAliveTimeout: 65_000 }, app);
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
} else if (role === 'upstream-bare') {
  const server = createServer({ keepAliveTimeout: 65_000 }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(TIMELINE) });
    res.end(TIMELINE);
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
} else if (role === 'gateway') {
  const upstream = process.argv[3] ?? '';
  const log = createLogger({ name: 'gateway', level: 'warn' });
  const config = parseGatewayConfig({
    hosts: ['empresa.com.br', 'rastreio.empresa.com.br'],
    upstreams: { shipping: { url: upstream, connections: 64 } },
    routes: [{ pathPrefix: '/api/tracking', service: 'shipping' }],
    // BENCH_EDGE=off measures the bare proxy (no WAF, no limits), to show what each layer costs.
    // BENCH_EDGE=waf keeps the WAF but no limits.
    rateLimits: process.env.BENCH_EDGE === 'off' || process.env.BENCH_EDGE === 'waf' ? {} : { perAddress: { limit: 10_000_000, windowMs: 60_000 }, whenUnavailable: 'open' },
    waf: { enabled: process.env.BENCH_EDGE !== 'off', mode: 'block', paranoia: 1 },
  });
  const redis = process.env.REDIS_URL ? openLimiterRedis(process.env.REDIS_URL, log) : undefined;
  const gateway = createGateway({
    config, log, metrics: createMetrics('gateway'), health: new Health(),
    limiter: redis ? createRedisRateLimiter(redis, { keyPrefix: `bench:${process.pid}:`, syncIntervalMs: Number(process.env.BENCH_RATE_LIMIT_SYNC_MS ?? 100) }) : createMemoryRateLimiter(),
    verifier: createTokenVerifier({ jwksUrl: 'http://127.0.0.1:9/unused', issuer: 'x', audience: 'y' }),
  });
  const port = await gateway.listen(0, '127.0.0.1');
  console.log(JSON.stringify({ port, limiter: redis ? 'redis' : 'memory' }));
} else {
  console.error('usage: gateway-servers.ts upstream-kit | upstream-bare | gateway <upstream-url>');
  process.exit(2);
}

// Exit normally on SIGTERM so that `--cpu-prof` runs can write their profile.
process.on('SIGTERM', () => process.exit(0));
