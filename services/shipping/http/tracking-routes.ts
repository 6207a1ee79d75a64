/**
 * The customer's side of shipping: the tracking page (`GET /?h=` on the tracking host, `GET
 * /rastreio?h=` on the shop host), its stylesheet, the JSON timeline, and the lookup by order number.
 */
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { defineErrors, validated, type Counter, type FastRoute } from '../../kit/index.ts';
import type { TrackingReader } from '../domain/tracking-reader.ts';
import type { TrackingView } from '../domain/shipment.ts';
import { pickLocale, type Locale } from './page/i18n.ts';
import { LOOKUP_PATH, PAGE_CSP, renderNotFoundPage, renderRateLimitedPage, renderTrackingPage, STYLESHEET_PATH } from './page/render.ts';
import { TRACKING_CSS, TRACKING_CSS_ETAG } from './page/styles.ts';

/** Errors of the tracking API. */
export const trackingErrors = defineErrors({
  tracking_not_found: { status: 404, title: 'Tracking not found' },
  lookup_rate_limited: { status: 429, title: 'Too many lookups' },
});

/** What the routes need. */
export interface TrackingRoutesDeps {
  readonly reader: TrackingReader;
  /** Origin of tracking links, e.g. `https://rastreio.example.com`. */
  readonly baseUrl: string;
  /** Counts rejected tokens (every kind looks the same from outside; this is for operators). */
  readonly rejected: Counter<'surface'>;
}

const lookupBody = z
  .object({
    orderId: z.string().trim().min(1).max(128),
    email: z.email().max(254).optional(),
    postalCode: z.string().trim().min(3).max(20).optional(),
  })
  .refine((b) => (b.email === undefined) !== (b.postalCode === undefined), { message: 'give exactly one of email or postalCode' });

function sendPage(res: Response, status: number, html: string, locale: Locale): void {
  res.status(status);
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  // A page reached by a bearer link is the customer's own: not for shared caches or search engines.
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Robots-Tag', 'noindex');
  res.setHeader('Content-Language', locale);
  res.setHeader('Vary', 'Accept-Language');
  res.type('html').send(html);
}

/** Weak ETag of a view's JSON: its `updatedAt` and length change with every change of the view. */
export function etagOf(json: string): string {
  const at = /"updatedAt":"([^"]{1,40})"/.exec(json)?.[1] ?? '';
  return `W/"${json.length.toString(36)}-${Buffer.from(at).toString('base64url')}"`;
}

/** Headers of the JSON timeline: the customer's own, not for shared caches; a weak validator. */
function timelineHeaders(json: string): Record<string, string> {
  return { 'Cache-Control': 'private, no-store', 'Content-Type': 'application/json; charset=utf-8', ETag: etagOf(json) };
}

/** The JSON timeline of a token; a refused or unknown token is counted and answered with the 404 problem. */
async function timelineJson(deps: TrackingRoutesDeps, token: string): Promise<string> {
  const json = await deps.reader.viewJson(token);
  if (json === null) {
    deps.rejected.inc({ surface: 'api' });
    throw trackingErrors.tracking_not_found('no tracking for this link');
  }
  return json;
}

/**
 * `GET /api/tracking/:token` answered before Express (the kit's fast route: same security headers,
 * correlation id, metric and problem documents). A conditional request declines, and the Express
 * route below answers it (304 when the validator matches).
 */
export function trackingFastRoute(deps: TrackingRoutesDeps): FastRoute {
  return {
    prefix: '/api/tracking/',
    route: '/api/tracking/:token',
    async handle(token, req) {
      if (req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined) return undefined;
      const json = await timelineJson(deps, token);
      return { headers: timelineHeaders(json), body: json };
    },
  };
}

const BARE_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** `?h=<token>`, or the seed's bare form `/rastreio?<token>` (a query that is only a token). */
function tokenOf(req: Request): string | undefined {
  const h = req.query.h;
  if (typeof h === 'string' && h.length > 0) return h;
  const raw = req.originalUrl.split('?')[1]?.split('&')[0];
  return raw && BARE_TOKEN.test(raw) ? raw : undefined;
}

/** Registers the tracking routes on `app`. */
export function registerTrackingRoutes(app: Express, deps: TrackingRoutesDeps): void {
  const { reader } = deps;

  app.get(STYLESHEET_PATH, (req, res) => {
    res.setHeader('ETag', TRACKING_CSS_ETAG);
    res.setHeader('Cache-Control', 'public, max-age=86400');
    if (req.get('if-none-match') === TRACKING_CSS_ETAG) {
      res.status(304).end();
      return;
    }
    res.type('css').send(TRACKING_CSS);
  });

  const page = async (req: Request, res: Response): Promise<void> => {
    const locale = pickLocale(req.query.lang, req.get('accept-language'));
    const token = tokenOf(req);
    const view: TrackingView | null = token ? await reader.view(token) : null;
    if (view && token) {
      sendPage(res, 200, renderTrackingPage(view, locale, token), locale);
      return;
    }
    if (token) deps.rejected.inc({ surface: 'page' });
    // No token: the lookup form. Any bad token: the same 404 page, whatever was wrong with it.
    sendPage(res, token ? 404 : 200, renderNotFoundPage(locale), locale);
  };
  app.get('/', page);
  app.get('/rastreio', page);

  app.get('/api/tracking/:token', async (req, res) => {
    const json = await timelineJson(deps, req.params.token);
    // Headers set directly, no MIME lookup; the weak validator from the view's update time spares
    // Express hashing the body for its ETag. Plain requests normally take trackingFastRoute instead.
    for (const [name, value] of Object.entries(timelineHeaders(json))) res.setHeader(name, value);
    res.send(json);
  });

  app.post(
    '/api/tracking/lookup',
    validated({ body: lookupBody }, async ({ body }, req, res) => {
      const result = await reader.lookup(body.orderId, body.email ?? body.postalCode ?? '', req.ip ?? 'unknown');
      if (result.kind === 'rate_limited') {
        res.setHeader('Retry-After', String(result.retryAfterS));
        throw trackingErrors.lookup_rate_limited('too many lookups; try again later');
      }
      if (result.kind === 'not_found') throw trackingErrors.tracking_not_found('no order matches this number and contact');
      res.json({ trackingUrl: `${deps.baseUrl}/?h=${result.token}` });
    }),
  );

  // The no-JavaScript form of the lookup page posts here.
  app.post(LOOKUP_PATH, express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), async (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const locale = pickLocale(form.lang, req.get('accept-language'));
    const order = typeof form.order === 'string' ? form.order.trim().slice(0, 128) : '';
    const contact = typeof form.contact === 'string' ? form.contact.trim().slice(0, 254) : '';
    if (!order || !contact) {
      sendPage(res, 400, renderNotFoundPage(locale), locale);
      return;
    }
    const result = await reader.lookup(order, contact, req.ip ?? 'unknown');
    if (result.kind === 'rate_limited') {
      res.setHeader('Retry-After', String(result.retryAfterS));
      sendPage(res, 429, renderRateLimitedPage(locale), locale);
      return;
    }
    if (result.kind === 'not_found') {
      sendPage(res, 404, renderNotFoundPage(locale), locale);
      return;
    }
    res.redirect(303, `/rastreio?${new URLSearchParams({ h: result.token, lang: locale }).toString()}`);
  });
}
