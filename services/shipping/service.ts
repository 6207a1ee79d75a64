/**
 * The shipping service: shipments booked through a carrier adapter, checkpoints from validated
 * carrier updates, and the customer's tracking page and API. See docs/tracking.md.
 */
import { Counter, createService, parseConfig, type BaseConfig, type Service, type ServiceOptions } from '../kit/index.ts';
import { shippingConfigSchema, shippingSettings, type ShippingConfig } from './config.ts';
import { signTrackingToken } from './domain/tracking-token.ts';
import { createTestCarrier, type CarrierAdapter } from './domain/carrier.ts';
import { TrackingReader } from './domain/tracking-reader.ts';
import { registerHandlers } from './messaging/handlers.ts';
import { registerTrackingRoutes, trackingFastRoute } from './http/tracking-routes.ts';
import { registerInternalRoutes } from './http/internal-routes.ts';
import { openapi } from './http/openapi.ts';

/** Options of the shipping service: the kit's, plus a carrier adapter. */
export interface ShippingOptions extends Partial<ServiceOptions> {
  /** @default the deterministic test carrier named by config CARRIER */
  readonly carrier?: CarrierAdapter;
}

/**
 * Shipping's config: the given one when it has shipping's fields; a base config (as `npm start`
 * passes) is completed from the environment.
 */
function resolveConfig(given: BaseConfig | undefined): ShippingConfig {
  if (given && 'TRACKING_DOMAIN' in given) return given as ShippingConfig;
  const fromEnv = parseConfig(shippingConfigSchema);
  return given ? Object.freeze({ ...fromEnv, ...given }) : fromEnv;
}

/** Builds shipping (not started). */
export async function create(options: ShippingOptions = {}): Promise<Service> {
  const config = resolveConfig(options.config);
  const settings = shippingSettings(config);
  const svc = await createService({
    name: 'shipping',
    migrations: new URL('./data/migrations', import.meta.url),
    cache: true,
    extraBodyTypes: ['application/x-www-form-urlencoded'],
    ...options,
    config,
  });
  if (settings.ephemeral) svc.log.warn('TRACKING_KEYS or LOOKUP_PEPPER not set: using random ones; links and lookups do not survive a restart');
  const cache = svc.cache;
  if (!cache) throw new Error('shipping needs a cache');

  const cacheOutcomes = new Counter({ name: 'tracking_cache_total', help: 'Tracking view reads by cache outcome', labelNames: ['outcome'], registers: [svc.metrics.registry] });
  const rejected = new Counter({
    name: 'tracking_token_rejected_total',
    help: 'Tracking tokens rejected (unknown, forged, tampered or expired: not told apart on purpose)',
    labelNames: ['surface'],
    registers: [svc.metrics.registry],
  });
  const reader = new TrackingReader({
    db: svc.db,
    cache,
    ring: settings.ring,
    pepper: settings.pepper,
    cacheTtlMs: config.TRACKING_CACHE_TTL_MS,
    localTtlMs: config.TRACKING_LOCAL_CACHE_MS,
    linkTtlMs: settings.linkTtlMs,
    lookupLimit: config.LOOKUP_LIMIT,
    lookupWindowMs: config.LOOKUP_WINDOW_MS,
    onCache: (outcome) => cacheOutcomes.inc({ outcome }),
  });

  svc.app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  const trackingDeps = { reader, baseUrl: settings.baseUrl, rejected };
  registerTrackingRoutes(svc.app, trackingDeps);
  svc.fastRoutes.push(trackingFastRoute(trackingDeps));
  registerInternalRoutes(svc.app, { reader, db: svc.db, baseUrl: settings.baseUrl, ...(config.INTERNAL_API_TOKEN ? { internalToken: config.INTERNAL_API_TOKEN } : {}) });
  // The link travels in shipment.created, so orders and notifications need not call back for it.
  const trackingLink = (shipmentId: string) =>
    `${settings.baseUrl}/?h=${signTrackingToken(settings.ring, shipmentId, new Date(Date.now() + settings.linkTtlMs))}`;
  await registerHandlers(svc, { carrier: options.carrier ?? createTestCarrier(config.CARRIER), pepper: settings.pepper, reader, trackingLink });
  return svc;
}
