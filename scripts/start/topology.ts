/**
 * Where each service listens under `npm start`, and the gateway document that routes to them
 * (the same schema the operator writes into the gateway's ConfigMap).
 */
import type { GatewayConfigInput } from '../../services/gateway/config/schema.ts';

/** The nine services behind the gateway. */
export type ServiceName = 'identity' | 'catalog' | 'cart' | 'inventory' | 'payments' | 'orders' | 'shipping' | 'notifications' | 'integrations';

const BASE_PORT = Number(process.env.VITRINE_PORT_BASE ?? 18080);

/** Loopback ports of the services (VITRINE_PORT_BASE + n). */
export const SERVICE_PORTS: Readonly<Record<ServiceName, number>> = {
  identity: BASE_PORT + 1,
  catalog: BASE_PORT + 2,
  cart: BASE_PORT + 3,
  orders: BASE_PORT + 4,
  inventory: BASE_PORT + 5,
  payments: BASE_PORT + 6,
  shipping: BASE_PORT + 7,
  notifications: BASE_PORT + 8,
  integrations: BASE_PORT + 9,
};

/** The shop host is `localhost`, the tracking host `rastreio.localhost` (both reach the gateway). */
export function shopGatewayConfig(gatewayPort: number): GatewayConfigInput {
  const upstreams = Object.fromEntries(
    Object.entries(SERVICE_PORTS).map(([name, port]) => [name, { url: `http://127.0.0.1:${port}`, timeoutMs: 10_000 }]),
  );
  const api = (prefix: string, service: ServiceName, auth: 'public' | 'signed-in' = 'public') => ({ pathPrefix: prefix, service, auth });
  return {
    hosts: ['localhost', 'rastreio.localhost'],
    upstreams,
    routes: [
      { host: 'rastreio.localhost', pathPrefix: '/', service: 'shipping' },
      api('/.well-known', 'identity'),
      api('/api/identity', 'identity'),
      api('/api/catalog', 'catalog'),
      api('/api/cart', 'cart', 'signed-in'),
      api('/api/orders', 'orders', 'signed-in'),
      api('/api/inventory', 'inventory'),
      api('/api/payments', 'payments'),
      api('/api/tracking', 'shipping'),
      api('/api/notifications', 'notifications'),
      api('/api/integrations', 'integrations'),
      api('/webhooks/carriers', 'integrations'),
    ],
    redirects: [
      { host: 'localhost', path: '/rastreio', to: `http://rastreio.localhost:${gatewayPort}/`, code: 302, bareQueryParam: 'h' },
    ],
    rateLimits: { perAddress: { limit: 600, windowMs: 60_000 }, perUser: { limit: 300, windowMs: 60_000 }, whenUnavailable: 'open' },
    waf: { enabled: true, mode: 'block' },
  };
}
