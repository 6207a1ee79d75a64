/**
 * Fast routes: a service's hottest GET (shipping's tracking API on a cache hit) answered on
 * node:http before Express, with what the kit's middleware gives every answer and nothing more:
 * the same security headers (helmet's, taken from the same middleware once at start), the
 * correlation id and its context, and the `http_request_duration_seconds` observation under the
 * Express route's label. No router, no body parsing, no ETag hashing. A handler answers, throws (the
 * error becomes the same problem document the Express error middleware writes, through the same
 * mapping) or declines; a declined request goes through Express untouched. See docs/kit.md.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { runWithContext, sanitizeCorrelationId } from '../context.ts';
import type { Logger } from '../logging.ts';
import type { ServiceMetrics } from '../metrics.ts';
import { CORRELATION_HEADER } from './middleware.ts';
import { appErrorOf, problemDocument, PROBLEM_CONTENT_TYPE } from './problem.ts';

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
  /** The answer, or undefined to let Express answer; a thrown error is answered as a problem. */
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
      const send = (status: number, headers: Readonly<Record<string, string>>, body: string): void => {
        for (const [name, value] of deps.securityHeaders) res.setHeader(name, value);
        res.setHeader('X-Correlation-ID', correlationId);
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        res.setHeader('Content-Length', Buffer.byteLength(body));
        res.statusCode = status;
        res.end(body);
        end({ route: route.route, method: 'GET', status: String(status) });
      };
      reply.then(
        (r) => {
          if (r === undefined) app(req, res);
          else send(r.status ?? 200, r.headers, r.body);
        },
        (err: unknown) => {
          const path = (req.url ?? '/').split('?')[0] ?? '/';
          const problem = appErrorOf(err, deps.log, { method: 'GET', path });
          send(problem.status, { 'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8` }, problemDocument(problem, path));
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
