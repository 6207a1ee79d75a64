/**
 * Fast routes: a service's hottest GET (shipping's tracking API on a cache hit) answered on
 * node:http before Express, with what the kit's middleware gives every answer and nothing more:
 * the same security headers (helmet's, taken from the same middleware once at start), the
 * correlation id and its context, and the `http_request_duration_seconds` observation under the
 * Express route's label. No router, no body parsing, no ETag hashing. A handler answers or
 * declines; a declined request (a miss, a bad token, an error) goes through Express as before, so
 * every error answer still comes from the one problem handler. See docs/kit.md.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { runWithContext, sanitizeCorrelationId } from '../context.ts';
import type { Logger } from '../logging.ts';
import type { ServiceMetrics } from '../metrics.ts';
import { CORRELATION_HEADER } from './middleware.ts';

/** What a fast route answers with. */
export interface FastReply {
  readonly status?: number;
  /** Headers of this answer (Content-Type at least); security and correlation headers are added. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A GET route answered before Express. */
export interface FastRoute {
  /** Path prefix, e.g. `/api/tracking/`; the rest of the path (one segment) is the parameter. */
  readonly prefix: string;
  /** The Express route it shortcuts, e.g. `/api/tracking/:token` (the metrics label). */
  readonly route: string;
  /** The answer, or undefined to let Express answer (it must not have written anything). */
  handle(param: string, req: IncomingMessage): Promise<FastReply | undefined> | FastReply | undefined;
}

/** The headers a middleware sets on every answer, found by running it once on a stand-in response. */
export function headersOf(middleware: RequestHandler): readonly (readonly [string, string])[] {
  const headers = new Map<string, string>();
  const stand = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
  let called = false;
  middleware({ headers: {}, method: 'GET', url: '/' } as never, stand as never, () => {
    called = true;
  });
  if (!called) throw new Error('the security-header middleware did not call next() synchronously');
  return [...headers];
}

const SEGMENT = /^[A-Za-z0-9._~-]{1,512}$/;

/**
 * A request listener that answers the fast routes and hands everything else to `app`. Only plain
 * one-segment parameters are taken; anything that needs decoding or normalizing goes to Express.
 */
export function fastRouteListener(
  app: RequestListener,
  routes: readonly FastRoute[],
  deps: { readonly metrics: ServiceMetrics; readonly log: Logger; readonly securityHeaders: readonly (readonly [string, string])[] },
): RequestListener {
  if (routes.length === 0) return app;
  const answer = (route: FastRoute, param: string, req: IncomingMessage, res: ServerResponse): void => {
    const end = deps.metrics.httpDuration.startTimer();
    const correlationId = sanitizeCorrelationId(req.headers[CORRELATION_HEADER]);
    const traceparent = req.headers.traceparent;
    runWithContext({ correlationId, ...(typeof traceparent === 'string' ? { traceparent } : {}) }, () => {
      let reply: Promise<FastReply | undefined>;
      try {
        reply = Promise.resolve(route.handle(param, req));
      } catch (err) {
        reply = Promise.reject(err as Error);
      }
      reply.then(
        (r) => {
          if (r === undefined || res.headersSent) {
            app(req, res);
            return;
          }
          for (const [name, value] of deps.securityHeaders) res.setHeader(name, value);
          res.setHeader('X-Correlation-ID', correlationId);
          for (const [name, value] of Object.entries(r.headers)) res.setHeader(name, value);
          res.setHeader('Content-Length', Buffer.byteLength(r.body));
          res.statusCode = r.status ?? 200;
          res.end(r.body);
          end({ route: route.route, method: 'GET', status: String(res.statusCode) });
        },
        (err: unknown) => {
          // Express answers instead, through the problem handler, and logs what it has to.
          deps.log.debug({ err, route: route.route }, 'fast route declined after an error');
          if (!res.headersSent) app(req, res);
        },
      );
    });
  };
  return (req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET') {
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      for (const route of routes) {
        if (!path.startsWith(route.prefix)) continue;
        const param = path.slice(route.prefix.length);
        if (SEGMENT.test(param)) {
          answer(route, param, req, res);
          return;
        }
      }
    }
    app(req, res);
  };
}
