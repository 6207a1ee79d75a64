/**
 * The integrations service: the reactive integration hub for carrier webhooks. See docs/integrations.md.
 */
import { Counter, createService, parseConfig, type BaseConfig, type Service, type ServiceOptions, type Tx } from '../kit/index.ts';
import { integrationsConfigSchema, parseCarrierSecrets, type IntegrationsConfig } from './config.ts';
import type { Publish } from './domain/hub.ts';
import { registerHandlers } from './messaging/handlers.ts';
import { registerWebhookRoutes } from './http/webhook-routes.ts';
import { registerAdminRoutes } from './http/admin-routes.ts';
import { openapi } from './http/openapi.ts';

function resolveConfig(given: BaseConfig | undefined): IntegrationsConfig {
  if (given && 'WEBHOOK_TOLERANCE_S' in given) return given as IntegrationsConfig;
  const fromEnv = parseConfig(integrationsConfigSchema);
  return given ? Object.freeze({ ...fromEnv, ...given }) : fromEnv;
}

/** Builds integrations (not started). */
export async function create(options: Partial<ServiceOptions> = {}): Promise<Service> {
  const config = resolveConfig(options.config);
  const secrets = parseCarrierSecrets(config.CARRIER_SECRETS);
  const svc = await createService({
    name: 'integrations',
    migrations: new URL('./data/migrations', import.meta.url),
    cache: true,
    auth: Boolean(config.JWKS_URL),
    ...options,
    config,
  });
  if (secrets.size === 0) svc.log.warn('CARRIER_SECRETS is empty: every carrier webhook will be refused');
  const cache = svc.cache;
  if (!cache) throw new Error('integrations needs a cache');
  const registers = [svc.metrics.registry];
  const rejected = new Counter({ name: 'webhook_rejected_total', help: 'Carrier webhooks refused, by reason', labelNames: ['reason'], registers });
  const accepted = new Counter({ name: 'webhook_accepted_total', help: 'Carrier webhooks accepted', labelNames: ['carrier'], registers });
  const deadLettered = new Counter({ name: 'integration_dead_letters_total', help: 'Carrier updates that failed validation', registers });
  const publish = (tx: Tx): Publish => (event) => svc.events.publish(tx, event);

  svc.app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  registerWebhookRoutes(svc.app, { db: svc.db, cache, secrets, toleranceS: config.WEBHOOK_TOLERANCE_S, publish, rejected, accepted });
  registerAdminRoutes(svc.app, { db: svc.db, auth: svc.auth, publish });
  await registerHandlers(svc, () => deadLettered.inc());
  return svc;
}
