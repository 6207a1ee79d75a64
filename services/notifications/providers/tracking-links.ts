/**
 * Where the `shipment_created` message gets its tracking link. `shipment.created` carries no link
 * (the catalog has no field for it yet), so it is asked of shipping's internal route; without
 * SHIPPING_URL the message points at the tracking site's lookup form instead.
 */

/** Resolves a shipment's tracking link. */
export type TrackingLinkResolver = (shipmentId: string) => Promise<string>;

/** A resolver over shipping's `/internal/shipments/:id/tracking-link`. */
export function shippingLinkResolver(options: { shippingUrl?: string; token?: string; fallbackUrl: string; fetch?: typeof fetch }): TrackingLinkResolver {
  const doFetch = options.fetch ?? fetch;
  return async (shipmentId) => {
    if (!options.shippingUrl) return options.fallbackUrl;
    const url = new URL(`/internal/shipments/${encodeURIComponent(shipmentId)}/tracking-link`, options.shippingUrl);
    const res = await doFetch(url, {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
    // Not found yet or shipping down: throw, and the dispatcher retries with back-off.
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`shipping answered ${res.status} for the tracking link`);
    }
    const body = (await res.json()) as { trackingUrl?: unknown };
    if (typeof body.trackingUrl !== 'string') throw new Error('shipping gave no trackingUrl');
    return body.trackingUrl;
  };
}
