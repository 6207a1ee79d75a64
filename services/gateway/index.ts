/**
 * Public surface of the gateway for other parts of Vitrine: the operator renders ShopGateway specs
 * into {@link GatewayConfigInput} documents (and can validate them with {@link parseGatewayConfig});
 * `npm start` builds an in-process gateway with {@link createGateway}.
 */
export { createGateway, type Gateway, type GatewayOptions } from './gateway.ts';
export {
  gatewayConfigSchema, parseGatewayConfig,
  type GatewayConfig, type GatewayConfigInput, type RouteConfig, type RedirectConfig, type UpstreamConfig, type RouteAuth,
} from './config/schema.ts';
export { loadGatewayConfig, watchGatewayConfig } from './config/watch.ts';
export { createRedisRateLimiter, type RateLimiter, type RateDecision } from './edge/rate-limiter.ts';
export { createMemoryRateLimiter } from './edge/memory-rate-limiter.ts';
export { openLimiterRedis } from './edge/redis-client.ts';
export { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions } from './edge/token-verifier.ts';
export { wafPolicySchema, parseWafPolicy, createWaf, type WafPolicy, type WafPolicyInput } from './waf/index.ts';
