/**
 * Tracking links come from shipping, which signs them (docs/tracking.md):
 * `GET {SHIPPING_URL}/internal/orders/:orderId/tracking-link` → `{ trackingUrl }`. Orders asks when
 * it shows an order that may have a shipment; no answer just means no link this time.
 */
import type { Logger } from '../../kit/index.ts';

/** Finds the tracking link of an order, or undefined when there is none (yet). */
export type TrackingLinks = (orderId: string) => Promise<string | undefined>;

/** Tracking links from shipping's internal API. */
export function httpTrackingLinks(baseUrl: string, internalToken: string | undefined, timeoutMs: number, log: Logger): TrackingLinks {
  return async (orderId) => {
    try {
      const res = await fetch(new URL(`/internal/orders/${encodeURIComponent(orderId)}/tracking-link`, baseUrl), {
        headers: { accept: 'application/json', ...(internalToken ? { authorization: `Bearer ${internalToken}` } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        if (res.status !== 404) log.warn({ status: res.status }, 'shipping did not give a tracking link');
        return undefined;
      }
      const body = (await res.json()) as { trackingUrl?: unknown };
      return typeof body.trackingUrl === 'string' && /^https?:\/\//.test(body.trackingUrl) ? body.trackingUrl : undefined;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'shipping unreachable for a tracking link');
      return undefined;
    }
  };
}
