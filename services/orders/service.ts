/**
 * The orders service: checkout, the order state machine and the checkout saga's bookkeeping.
 * `create` builds it without starting; `main.ts` starts it.
 */
import { createService, type Service, type ServiceOptions } from '../kit/index.ts';
import { ordersConfig } from './config.ts';
import { httpCartClient, type CartClient } from './http/cart-client.ts';
import { httpTrackingLinks, type TrackingLinks } from './http/tracking-links.ts';
import { ordersOpenApi } from './http/openapi.ts';
import { registerOrderRoutes } from './http/routes.ts';
import { registerOrderHandlers } from './messaging/handlers.ts';
import { createOrdersMetrics } from './messaging/metrics.ts';
import { TimeoutSweeper } from './messaging/timeouts.ts';

/** Options of the orders service besides the kit's. */
export interface OrdersOptions extends Partial<ServiceOptions> {
  /** Use this cart client instead of HTTP to CART_URL. */
  readonly cart?: CartClient;
  /** Use this instead of shipping's internal API (SHIPPING_URL) for tracking links. */
  readonly trackingLinks?: TrackingLinks;
}

/** The orders service with its timeout sweeper (exposed for tests). */
export interface OrdersService extends Service {
  readonly sweeper: TimeoutSweeper;
}

/** Builds the orders service without starting it. */
export async function create(options: OrdersOptions = {}): Promise<OrdersService> {
  const config = ordersConfig(options.config);
  const svc = await createService({
    auth: true,
    ...options,
    name: options.name ?? 'orders',
    config,
    migrations: new URL('./data/migrations', import.meta.url),
  });
  const timeouts = { reservationMs: config.RESERVATION_TIMEOUT_MS, paymentMs: config.PAYMENT_TIMEOUT_MS };
  const metrics = createOrdersMetrics(svc.metrics.registry);
  const cart = options.cart ?? httpCartClient(config.CART_URL, config.CART_TIMEOUT_MS, svc.log);

  svc.app.get('/openapi.json', (_req, res) => {
    res.json(ordersOpenApi);
  });
  const trackingLinks =
    options.trackingLinks ??
    (config.SHIPPING_URL ? httpTrackingLinks(config.SHIPPING_URL, config.INTERNAL_API_TOKEN, config.SHIPPING_TIMEOUT_MS, svc.log) : undefined);
  registerOrderRoutes({
    svc,
    cart,
    timeouts,
    trackingUrlTemplate: config.TRACKING_URL_TEMPLATE,
    ...(trackingLinks ? { trackingLinks } : {}),
    onPlaced: () => metrics.placed(),
  });
  await registerOrderHandlers(svc, config.CONSUMER_GROUP, config.CONSUMER_CONCURRENCY, timeouts, metrics);
  const sweeper = new TimeoutSweeper(svc, config.SAGA_SWEEP_MS, timeouts, metrics, config.IDEMPOTENCY_KEY_TTL_MS);

  return {
    ...svc,
    sweeper,
    async start(startOptions) {
      const server = await svc.start(startOptions);
      sweeper.start();
      svc.lifecycle.onClose('saga timeouts', () => sweeper.stop());
      return server;
    },
  };
}
