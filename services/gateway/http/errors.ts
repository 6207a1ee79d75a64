/**
 * The gateway's error catalogue and the problem+json writer for raw `node:http` responses (the
 * proxy path does not go through Express, see docs/gateway.md).
 */
import type { ServerResponse } from 'node:http';
import { AppError, PROBLEM_CONTENT_TYPE, defineErrors } from '../../kit/index.ts';

/** Errors the gateway itself answers with. */
export const gatewayErrors = defineErrors({
  no_route: { status: 404, title: 'No route for this host and path' },
  request_blocked: { status: 403, title: 'Request blocked by the web application firewall' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  rate_limited: { status: 429, title: 'Too many requests' },
  rate_limiter_unavailable: { status: 503, title: 'Rate limiter unavailable' },
  bad_gateway: { status: 502, title: 'Upstream failed' },
  upstream_unavailable: { status: 503, title: 'Upstream unavailable' },
  upstream_timeout: { status: 504, title: 'Upstream timed out' },
});

/** Writes an AppError as `application/problem+json` (RFC 9457), with Retry-After when the error has one. */
export function writeProblem(res: ServerResponse, err: AppError, correlationId: string, instance?: string): void {
  if (res.headersSent) {
    res.destroy(err);
    return;
  }
  const retryAfter = err.extra.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.setHeader('retry-after', String(Math.max(1, retryAfter)));
  const body = JSON.stringify({
    type: err.type,
    title: err.title,
    status: err.status,
    detail: err.message,
    ...(instance === undefined ? {} : { instance }),
    correlationId,
    ...err.extra,
  });
  res.writeHead(err.status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export { AppError };
