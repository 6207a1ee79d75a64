/**
 * The gateway service: reads its document (GATEWAY_CONFIG, the ConfigMap the operator writes),
 * follows changes to it, and serves the shop's edge on PORT.
 */
import { z } from 'zod';
import { Health, Lifecycle, baseConfigSchema, createLogger, createMetrics, loadConfig } from '../kit/index.ts';
import { loadGatewayConfig, watchGatewayConfig } from './config/watch.ts';
import { createMemoryRateLimiter } from './edge/memory-rate-limiter.ts';
import { createRedisRateLimiter } from './edge/rate-limiter.ts';
import { openLimiterRedis } from './edge/redis-client.ts';
import { createTokenVerifier } from './edge/token-verifier.ts';
import { createGateway } from './gateway.ts';

const env = loadConfig(baseConfigSchema.extend({
  GATEWAY_CONFIG: z.string().default('/etc/vitrine/gateway/gateway.json'),
  JWKS_COOLDOWN_MS: z.coerce.number().int().positive().default(5_000),
  /** How often locally counted rate-limit admissions are written to Redis; 0 = every request asks Redis. */
  RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(0).max(10_000).default(100),
}));
const log = createLogger({ name: 'gateway', level: env.LOG_LEVEL });
const metrics = createMetrics('gateway');
const health = new Health();
const lifecycle = new Lifecycle(log);

const config = await loadGatewayConfig(env.GATEWAY_CONFIG);
const redis = env.REDIS_URL ? openLimiterRedis(env.REDIS_URL, log) : undefined;
const limiter = redis ? createRedisRateLimiter(redis, { syncIntervalMs: env.RATE_LIMIT_SYNC_MS }) : createMemoryRateLimiter();
const gateway = createGateway({
  config, log, metrics, health, limiter,
  verifier: createTokenVerifier({
    ...(env.JWKS_URL ? { jwksUrl: env.JWKS_URL } : {}),
    issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, cooldownMs: env.JWKS_COOLDOWN_MS,
  }),
});
const stopWatching = watchGatewayConfig(env.GATEWAY_CONFIG, {
  onConfig: (next) => gateway.reload(next),
  onError: (err) => {
    gateway.metrics.reloads.inc({ result: 'rejected' });
    log.error({ err: err.message }, 'gateway config change rejected; keeping the current config');
  },
});
lifecycle.onClose('config watch', async () => stopWatching());
// Closers run last-registered first: the server stops, then the last admissions are written, then Redis closes.
if (redis) {
  lifecycle.onClose('redis', async () => void (await redis.quit()));
  lifecycle.onClose('rate limiter', async () => limiter.close?.());
}
lifecycle.onClose('http', () => gateway.close());
const port = await gateway.listen(env.PORT, env.HOST);
lifecycle.handleSignals(env.SHUTDOWN_TIMEOUT_MS);
log.info({ port }, 'listening');
