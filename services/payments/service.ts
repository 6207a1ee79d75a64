/**
 * The payments service: a provider adapter (the deterministic test provider by default),
 * authorizations and refunds idempotent per order. `create` builds it without starting.
 */
import { createService, type Service, type ServiceOptions } from '../kit/index.ts';
import { paymentsConfig } from './config.ts';
import type { PaymentProvider } from './domain/provider.ts';
import { createTestProvider } from './domain/test-provider.ts';
import { paymentsOpenApi } from './http/openapi.ts';
import { registerPaymentRoutes } from './http/routes.ts';
import { registerPaymentHandlers } from './messaging/handlers.ts';
import { createPaymentsMetrics } from './messaging/metrics.ts';

/** Options of the payments service besides the kit's. */
export interface PaymentsOptions extends Partial<ServiceOptions> {
  /** Use this provider instead of the configured one. */
  readonly provider?: PaymentProvider;
}

/** Builds the payments service without starting it. */
export async function create(options: PaymentsOptions = {}): Promise<Service> {
  const config = paymentsConfig(options.config);
  const svc = await createService({
    auth: true,
    ...options,
    name: options.name ?? 'payments',
    config,
    migrations: new URL('./data/migrations', import.meta.url),
  });
  const provider = options.provider ?? createTestProvider();
  svc.app.get('/openapi.json', (_req, res) => {
    res.json(paymentsOpenApi);
  });
  registerPaymentRoutes(svc);
  await registerPaymentHandlers(svc, config.CONSUMER_GROUP, config.CONSUMER_CONCURRENCY, { provider, timeoutMs: config.PROVIDER_TIMEOUT_MS, log: svc.log }, createPaymentsMetrics(svc.metrics.registry));
  svc.log.info({ provider: provider.name }, 'payment provider selected');
  return svc;
}
