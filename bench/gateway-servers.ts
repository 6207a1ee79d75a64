/**
 * Child processes of bench/gateway.ts, so that the load generator, the gateway and the upstream do
 * not share one event loop: `tsx bench/gateway-servers.ts upstream` serves a stand-in of the
 * shipping service's tracking API (a JSON timeline), `... gateway <upstream-url>` the real gateway
 * in front of it (WAF on, per-address limits on, Redis when REDIS_URL is set). Each prints
 * `{"port":N}` on stdout when listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Health, createLogger, createMetrics } from '../services/kit/index.ts';
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
if (role === 'upstream') {
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
    rateLimits: { perAddress: { limit: 10_000_000, windowMs: 60_000 }, whenUnavailable: 'open' },
    waf: { mode: 'block', paranoia: 1 },
  });
  const redis = process.env.REDIS_URL ? openLimiterRedis(process.env.REDIS_URL, log) : undefined;
  const gateway = createGateway({
    config, log, metrics: createMetrics('gateway'), health: new Health(),
    limiter: redis ? createRedisRateLimiter(redis, `bench:${process.pid}:`) : createMemoryRateLimiter(),
    verifier: createTokenVerifier({ jwksUrl: 'http://127.0.0.1:9/unused', issuer: 'x', audience: 'y' }),
  });
  const port = await gateway.listen(0, '127.0.0.1');
  console.log(JSON.stringify({ port, limiter: redis ? 'redis' : 'memory' }));
} else {
  console.error('usage: gateway-servers.ts upstream | gateway <upstream-url>');
  process.exit(2);
}

// Exit normally on SIGTERM so that `--cpu-prof` runs can write their profile.
process.on('SIGTERM', () => process.exit(0));
