/**
 * Starts the ten services in this process: the nine domain services on loopback ports behind the
 * gateway. Under embedded defaults they share one in-process bus and one PGlite (a schema each).
 */
import type { PGlite } from '@electric-sql/pglite';
import { Kafka, logLevel } from 'kafkajs';
import {
  Health, catalog as eventCatalog, createLogger, createMemoryTransport, createMetrics, createPgliteDb,
  ensureTopics, type Service, type ServiceOptions, type Transport,
} from '../../services/kit/index.ts';
import { parseGatewayConfig, type GatewayConfigInput } from '../../services/gateway/config/schema.ts';
import { createGateway } from '../../services/gateway/gateway.ts';
import { createMemoryRateLimiter } from '../../services/gateway/edge/memory-rate-limiter.ts';
import { createTokenVerifier } from '../../services/gateway/edge/token-verifier.ts';
import { shopGatewayConfig, SERVICE_PORTS, type ServiceName } from './topology.ts';
import { seedDemoShop } from './seed.ts';

/** What {@link startShop} needs. */
export interface ShopOptions {
  readonly real: boolean;
  readonly gatewayPort: number;
  readonly gatewayConfigFile: string;
  readonly writeGatewayConfig: (file: string, cfg: GatewayConfigInput) => void;
  /** The shared PGlite under embedded defaults. */
  readonly pglite: PGlite | undefined;
}

/** The running shop. */
export interface ShopHandle {
  readonly services: readonly { name: string; port: number }[];
  stop(): Promise<void>;
}

type Create = (options: Partial<ServiceOptions>) => Promise<Service>;

// Start order: identity first (the others fetch its JWKS), catalog before cart, cart before orders.
const LOAD: Record<ServiceName, () => Promise<{ create: Create }>> = {
  identity: () => import('../../services/identity/service.ts') as Promise<{ create: Create }>,
  catalog: () => import('../../services/catalog/service.ts') as Promise<{ create: Create }>,
  cart: () => import('../../services/cart/service.ts') as Promise<{ create: Create }>,
  inventory: () => import('../../services/inventory/service.ts') as Promise<{ create: Create }>,
  payments: () => import('../../services/payments/service.ts') as Promise<{ create: Create }>,
  orders: () => import('../../services/orders/service.ts') as Promise<{ create: Create }>,
  shipping: () => import('../../services/shipping/service.ts') as Promise<{ create: Create }>,
  notifications: () => import('../../services/notifications/service.ts') as Promise<{ create: Create }>,
  integrations: () => import('../../services/integrations/service.ts') as Promise<{ create: Create }>,
};

/** Starts every service and the gateway; throws (after stopping what started) if one fails. */
export async function startShop(options: ShopOptions): Promise<ShopHandle> {
  const local = (name: ServiceName) => `http://127.0.0.1:${SERVICE_PORTS[name]}`;
  // The services read their neighbours' addresses from the environment, as in a cluster.
  process.env.JWKS_URL = `${local('identity')}/.well-known/jwks.json`;
  process.env.CATALOG_URL = local('catalog');
  process.env.CART_URL = local('cart');
  process.env.SHIPPING_URL = local('shipping');
  process.env.TRACKING_DOMAIN ??= 'localhost';
  process.env.TRACKING_BASE_URL ??= `http://rastreio.localhost:${options.gatewayPort}/`;
  process.env.ADMIN_EMAILS ??= 'admin@vitrine.localhost';

  const transport: Transport | undefined = options.real ? undefined : createMemoryTransport();
  if (options.real) await ensureCatalogTopics();

  const started: { name: string; port: number; svc: Service }[] = [];
  const stopAll = async () => {
    for (const s of [...started].reverse()) await s.svc.stop().catch(() => undefined);
  };
  try {
    for (const name of Object.keys(LOAD) as ServiceName[]) {
      const { create } = await LOAD[name]();
      const shared: Partial<ServiceOptions> = {};
      if (options.pglite) Object.assign(shared, { db: await createPgliteDb({ schema: name, instance: options.pglite }) });
      if (transport) Object.assign(shared, { transport });
      const svc = await create(shared);
      await svc.start({ port: SERVICE_PORTS[name], handleSignals: false });
      started.push({ name, port: SERVICE_PORTS[name], svc });
    }
    await seedDemoShop(started.map((s) => s.svc));
  } catch (err) {
    await stopAll();
    throw err;
  }

  // The gateway, built as services/gateway/main.ts builds it, from a config file like the operator's ConfigMap.
  const cfg = shopGatewayConfig(options.gatewayPort);
  options.writeGatewayConfig(options.gatewayConfigFile, cfg);
  const log = createLogger({ name: 'gateway', level: process.env.LOG_LEVEL as 'warn' });
  const gateway = createGateway({
    config: parseGatewayConfig(cfg),
    log,
    metrics: createMetrics('gateway'),
    health: new Health(),
    limiter: createMemoryRateLimiter(),
    verifier: createTokenVerifier({ jwksUrl: process.env.JWKS_URL, issuer: 'vitrine-identity', audience: 'vitrine', cooldownMs: 5_000 }),
  });
  try {
    await gateway.listen(options.gatewayPort, '0.0.0.0');
  } catch (err) {
    await stopAll();
    throw new Error(`the gateway cannot listen on port ${options.gatewayPort} (set PORT to another): ${(err as Error).message}`, { cause: err });
  }

  return {
    services: [{ name: 'gateway', port: options.gatewayPort }, ...started.map(({ name, port }) => ({ name, port }))],
    async stop() {
      await gateway.close();
      await stopAll();
      await options.pglite?.close();
    },
  };
}

async function ensureCatalogTopics(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  const admin = new Kafka({ clientId: 'vitrine-start', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, eventCatalog);
  } finally {
    await admin.disconnect();
  }
}
