/**
 * The notifications service: customer messages from identity, order and shipment events, through a
 * provider (log, SMTP or webhook) with retries and dead letters, honouring each customer's choices.
 */
import { Counter, createService, parseConfig, type BaseConfig, type Service, type ServiceOptions } from '../kit/index.ts';
import { notificationsConfigSchema, type NotificationsConfig } from './config.ts';
import { Dispatcher } from './domain/dispatcher.ts';
import { registerHandlers } from './messaging/handlers.ts';
import { registerRoutes } from './http/routes.ts';
import { openapi } from './http/openapi.ts';
import type { NotificationProvider } from './providers/provider.ts';
import { createLogProvider } from './providers/log-provider.ts';
import { createSmtpProvider } from './providers/smtp-provider.ts';
import { createWebhookProvider } from './providers/webhook-provider.ts';
import { shippingLinkResolver, type TrackingLinkResolver } from './providers/tracking-links.ts';

/** Options: the kit's, plus a provider or link resolver to use instead of the configured ones. */
export interface NotificationsOptions extends Partial<ServiceOptions> {
  readonly provider?: NotificationProvider;
  readonly links?: TrackingLinkResolver;
}

function resolveConfig(given: BaseConfig | undefined): NotificationsConfig {
  if (given && 'NOTIFY_PROVIDER' in given) return given as NotificationsConfig;
  const fromEnv = parseConfig(notificationsConfigSchema);
  return given ? Object.freeze({ ...fromEnv, ...given }) : fromEnv;
}

function providerFor(config: NotificationsConfig, svc: Service): NotificationProvider {
  switch (config.NOTIFY_PROVIDER) {
    case 'smtp':
      return createSmtpProvider({ host: config.SMTP_HOST, port: config.SMTP_PORT, helo: config.SMTP_HELO, from: config.SMTP_FROM });
    case 'webhook':
      if (!config.NOTIFY_WEBHOOK_URL) throw new Error('NOTIFY_PROVIDER=webhook needs NOTIFY_WEBHOOK_URL');
      return createWebhookProvider({ url: config.NOTIFY_WEBHOOK_URL, ...(config.NOTIFY_WEBHOOK_SECRET ? { secret: config.NOTIFY_WEBHOOK_SECRET } : {}) });
    default:
      return createLogProvider(svc.log);
  }
}

/** Builds notifications (not started; the dispatcher starts with the service). */
export async function create(options: NotificationsOptions = {}): Promise<Service> {
  const config = resolveConfig(options.config);
  const { provider: givenProvider, links: givenLinks, ...kitOptions } = options;
  const svc = await createService({
    name: 'notifications',
    migrations: new URL('./data/migrations', import.meta.url),
    auth: Boolean(config.JWKS_URL),
    ...kitOptions,
    config,
  });
  const provider = givenProvider ?? providerFor(config, svc);
  const outcomes = new Counter({ name: 'notifications_total', help: 'Notification deliveries by outcome', labelNames: ['outcome'], registers: [svc.metrics.registry] });
  const dispatcher = new Dispatcher({
    db: svc.db,
    log: svc.log,
    provider,
    links:
      givenLinks ??
      shippingLinkResolver({
        fallbackUrl: config.TRACKING_HOME_URL,
        ...(config.SHIPPING_URL ? { shippingUrl: config.SHIPPING_URL } : {}),
        ...(config.SHIPPING_INTERNAL_TOKEN ? { token: config.SHIPPING_INTERNAL_TOKEN } : {}),
      }),
    publish: (tx, event) => svc.events.publish(tx, event),
    maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
    backoffMs: config.NOTIFY_BACKOFF_MS,
    pollMs: config.NOTIFY_POLL_MS,
    onOutcome: (outcome) => outcomes.inc({ outcome }),
  });

  svc.app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  registerRoutes(svc.app, { db: svc.db, auth: svc.auth });
  await registerHandlers(svc, provider.channel);

  // The dispatcher runs while the service runs; it stops before the store closes.
  const start = svc.start.bind(svc);
  return Object.assign(svc, {
    async start(startOptions?: Parameters<Service['start']>[0]) {
      const server = await start(startOptions);
      dispatcher.start();
      svc.lifecycle.onClose('notification dispatcher', () => dispatcher.stop());
      return server;
    },
  });
}
