/**
 * The inventory service: stock per SKU, reservations per order that expire, never oversold.
 * `create` builds it without starting; `main.ts` starts it.
 */
import { createService, type Service, type ServiceOptions } from '../kit/index.ts';
import { inventoryConfig } from './config.ts';
import { inventoryOpenApi } from './http/openapi.ts';
import { registerInventoryRoutes } from './http/routes.ts';
import { ExpirySweeper } from './messaging/expiry.ts';
import { registerInventoryHandlers } from './messaging/handlers.ts';
import { createInventoryMetrics } from './messaging/metrics.ts';

/** The inventory service with its expiry sweeper (exposed for tests). */
export interface InventoryService extends Service {
  readonly sweeper: ExpirySweeper;
}

/** Builds the inventory service without starting it. */
export async function create(options: Partial<ServiceOptions> = {}): Promise<InventoryService> {
  const config = inventoryConfig(options.config);
  const svc = await createService({
    auth: true,
    ...options,
    name: options.name ?? 'inventory',
    config,
    migrations: new URL('./data/migrations', import.meta.url),
  });
  svc.app.get('/openapi.json', (_req, res) => {
    res.json(inventoryOpenApi);
  });
  registerInventoryRoutes(svc);
  const count = createInventoryMetrics(svc.metrics.registry);
  await registerInventoryHandlers(svc, config.CONSUMER_GROUP, config.CONSUMER_CONCURRENCY, config.RESERVATION_TTL_MS, count);
  const sweeper = new ExpirySweeper(svc, config.RESERVATION_SWEEP_MS, count);
  return {
    ...svc,
    sweeper,
    async start(startOptions) {
      const server = await svc.start(startOptions);
      sweeper.start();
      svc.lifecycle.onClose('reservation expiry', () => sweeper.stop());
      return server;
    },
  };
}
