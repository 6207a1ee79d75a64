/**
 * The three checkout services in one process on the embedded engines (one shared PGlite, a schema
 * each, one shared in-process bus), with an in-memory cart: the in-process form of the saga for unit tests.
 */
import { PGlite } from '@electric-sql/pglite';
import { createAuth, createMemoryTransport, createLogger, createPgliteDb, parseConfig, type HttpServer, type Service } from '../../../services/kit/index.ts';
import { create as createOrders, type OrdersService } from '../../../services/orders/service.ts';
import { ordersConfigSchema } from '../../../services/orders/config.ts';
import { create as createInventory, type InventoryService } from '../../../services/inventory/service.ts';
import { inventoryConfigSchema } from '../../../services/inventory/config.ts';
import { create as createPayments } from '../../../services/payments/service.ts';
import { paymentsConfigSchema } from '../../../services/payments/config.ts';
import type { CartClient } from '../../../services/orders/http/cart-client.ts';
import type { CartLine } from '../../../services/orders/domain/checkout.ts';
import { createTestIssuer, type TestIssuer } from './tokens.ts';

/** A running in-process stack. */
export interface Stack {
  readonly orders: OrdersService;
  readonly inventory: InventoryService;
  readonly payments: Service;
  readonly urls: { readonly orders: string; readonly inventory: string; readonly payments: string };
  readonly issuer: TestIssuer;
  /** Carts by user id; the cart client reads and clears them. */
  readonly carts: Map<string, CartLine[]>;
  /** Signed tracking links "from shipping", by order id. */
  readonly trackingLinks: Map<string, string>;
  stop(): Promise<void>;
}

/** Starts the stack with saga timeouts suited to tests. */
export async function startStack(timeouts: { reservationMs?: number; paymentMs?: number; providerMs?: number } = {}): Promise<Stack> {
  const issuer = await createTestIssuer();
  const auth = createAuth({ jwks: issuer.jwks, issuer: 'vitrine-identity', audience: 'vitrine' });
  const transport = createMemoryTransport();
  const log = createLogger({ name: 'checkout-unit', level: 'silent' });
  const carts = new Map<string, CartLine[]>();
  const trackingLinks = new Map<string, string>();
  const cart: CartClient = {
    get: (userId) => Promise.resolve(carts.get(userId) ?? []),
    clear: (userId) => {
      carts.delete(userId);
      return Promise.resolve();
    },
  };
  // One WebAssembly instance for the three schemas: starting three costs seconds on a busy machine.
  const pglite = await PGlite.create();
  const dbFor = (schema: string) => createPgliteDb({ schema, instance: pglite });
  const common = { OUTBOX_POLL_MS: '20', LOG_LEVEL: 'silent', CONSUMER_CONCURRENCY: '3' };
  const orders = await createOrders({
    db: await dbFor('orders'),
    auth,
    transport,
    log,
    cart,
    trackingLinks: (orderId) => Promise.resolve(trackingLinks.get(orderId)),
    config: parseConfig(ordersConfigSchema, {
      ...common,
      RESERVATION_TIMEOUT_MS: String(timeouts.reservationMs ?? 10_000),
      PAYMENT_TIMEOUT_MS: String(timeouts.paymentMs ?? 10_000),
      SAGA_SWEEP_MS: '100',
      TRACKING_URL_TEMPLATE: 'https://rastreio.example/?carrier={carrier}&code={trackingCode}',
    }),
  });
  const inventory = await createInventory({ db: await dbFor('inventory'), auth, transport, log, config: parseConfig(inventoryConfigSchema, { ...common, RESERVATION_SWEEP_MS: '100' }) });
  const payments = await createPayments({
    db: await dbFor('payments'),
    auth,
    transport,
    log,
    config: parseConfig(paymentsConfigSchema, { ...common, PROVIDER_TIMEOUT_MS: String(timeouts.providerMs ?? 300) }),
  });
  const servers: HttpServer[] = [];
  for (const s of [orders, inventory, payments]) servers.push(await s.start({ port: 0, handleSignals: false }));
  const url = (i: number) => `http://127.0.0.1:${servers[i]?.port ?? 0}`;
  return {
    orders,
    inventory,
    payments,
    issuer,
    carts,
    trackingLinks,
    urls: { orders: url(0), inventory: url(1), payments: url(2) },
    async stop() {
      await Promise.all([orders.stop(), inventory.stop(), payments.stop()]);
      await transport.close();
      await pglite.close();
    },
  };
}
