/**
 * The middleware every service runs before its routes: correlation id, request metrics, content
 * type enforcement.
 */
import type { Request, RequestHandler } from 'express';
import { runWithContext, sanitizeCorrelationId } from '../context.ts';
import { kitErrors } from '../errors.ts';
import type { ServiceMetrics } from '../metrics.ts';

/** Request header (and response header) carrying the correlation id. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** Takes or makes the correlation id, returns it, and runs the rest of the chain inside its context. */
export function correlation(): RequestHandler {
  return (req, res, next) => {
    const correlationId = sanitizeCorrelationId(req.get(CORRELATION_HEADER));
    req.correlationId = correlationId;
    res.setHeader('X-Correlation-ID', correlationId);
    const traceparent = req.get('traceparent');
    runWithContext({ correlationId, ...(traceparent ? { traceparent } : {}) }, () => next());
  };
}

/** Route template of a request, so that metrics keep a bounded label set. */
export function routeLabel(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  return 'unmatched';
}

/** Observes `http_request_duration_seconds` when the response finishes. */
export function requestMetrics(metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      end({ route: routeLabel(req), method: req.method, status: String(res.statusCode) });
    });
    next();
  };
}

function hasBody(req: Request): boolean {
  const length = req.get('content-length');
  return (length !== undefined && length !== '0') || req.get('transfer-encoding') !== undefined;
}

/**
 * A request with a body must be JSON (or one of `extraTypes`): a form post or text to a JSON API
 * is a 415, not a silently empty `req.body`.
 */
export function requireJsonBody(extraTypes: readonly string[] = []): RequestHandler {
  return (req, _res, next) => {
    if (!hasBody(req)) {
      next();
      return;
    }
    if (req.is(['application/json', 'application/*+json', ...extraTypes])) {
      next();
      return;
    }
    next(kitErrors.unsupported_media_type(`expected application/json, got ${req.get('content-type') ?? 'no content type'}`));
  };
}
