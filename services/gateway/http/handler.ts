/**
 * The request pipeline of the gateway: correlation id → WAF (on the buffered body) → redirect →
 * route → token policy → rate limits → proxy. It runs on raw `node:http` so that responses stream
 * straight from the upstream socket to the client without a framework in between.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { CORRELATION_HEADER, isAppError, runWithContext, sanitizeCorrelationId, type Logger, type ServiceMetrics } from '../../kit/index.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { applyLimits } from '../edge/limits.ts';
import type { ClientAddress } from '../edge/client-address.ts';
import type { RateLimiter } from '../edge/rate-limiter.ts';
import type { TokenVerifier } from '../edge/token-verifier.ts';
import { forward } from '../proxy/forward.ts';
import type { UpstreamRegistry } from '../proxy/upstreams.ts';
import { normalizeHost, type Router } from '../routing/router.ts';
import type { Waf } from '../waf/index.ts';
import { hasBody, readBody } from './body.ts';
import { gatewayErrors, writeProblem } from './errors.ts';
import type { GatewayMetrics } from './metrics.ts';

/** Everything derived from one version of the config; swapped as a whole on reload. */
export interface GatewayState {
  readonly config: GatewayConfig;
  readonly router: Router;
  readonly waf: Waf | undefined;
  readonly resolveClient: (peer: string | undefined, xff: string | string[] | undefined) => ClientAddress;
}

/** Long-lived collaborators of the pipeline. */
export interface PipelineDeps {
  readonly state: () => GatewayState;
  readonly upstreams: UpstreamRegistry;
  readonly limiter: RateLimiter;
  readonly verifier: TokenVerifier;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly gatewayMetrics: GatewayMetrics;
  /** Answers `/healthz`, `/readyz`, `/metrics` for probes and scrapes; returns false when not such a path. */
  readonly internal: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
}

function splitTarget(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/**
 * The headers the WAF inspects. Node has built `req.headers` already, but it joins or drops
 * repeated fields (a second Host is dropped), which the protocol rules must see; when any field
 * was repeated, the distinct view is built instead.
 */
function inspectedHeaders(req: IncomingMessage): Readonly<Record<string, string | readonly string[] | undefined>> {
  let names = 0;
  for (const name in req.headers) if (name !== '') names++;
  return names * 2 === req.rawHeaders.length ? req.headers : req.headersDistinct;
}

const DEGRADED_LOG_INTERVAL_MS = 10_000;

/** Creates the request listener. */
export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  let lastDegradedLog = 0;
  async function handle(req: IncomingMessage, res: ServerResponse, correlationId: string): Promise<string> {
    const state = deps.state();
    const url = req.url ?? '/';
    const { path, query } = splitTarget(url);
    if (deps.internal(req, res, path)) {
      res.setHeader(CORRELATION_HEADER, correlationId);
      return 'internal';
    }
    const host = normalizeHost(req.headers.host);
    const client = state.resolveClient(req.socket.remoteAddress, req.headers['x-forwarded-for']);

    let body: Buffer | undefined;
    if (state.waf !== undefined) {
      body = hasBody(req) ? await readBody(req, state.waf.policy.maxBodyBytes) : undefined;
      const verdict = state.waf.inspect({ method: req.method ?? 'GET', url, headers: inspectedHeaders(req), headerNamesLowerCase: true, body }, correlationId);
      if (verdict.action === 'block') {
        deps.gatewayMetrics.requests.inc({ route: 'waf', outcome: 'blocked' });
        // Rule ids stay in the log (with the correlation id): telling a prober which rule fired helps them.
        throw gatewayErrors.request_blocked('the request matched a firewall rule');
      }
    }

    const redirect = state.router.redirect(host, path, query);
    if (redirect !== undefined) {
      res.writeHead(redirect.code, { [CORRELATION_HEADER]: correlationId, location: redirect.location, 'content-length': 0 });
      res.end();
      deps.gatewayMetrics.requests.inc({ route: 'redirect', outcome: 'redirected' });
      return 'redirect';
    }

    const match = state.router.route(host, path);
    if (match === undefined) throw gatewayErrors.no_route(`no route for ${host}${path}`);
    const routeLabel = match.route.pathPrefix;
    const caller = await deps.verifier.check(match.route.auth, req.headers.authorization);
    const limits = await applyLimits(deps.limiter, state.config.rateLimits, client.address, caller?.subject);
    if (limits.refusedRetryAfterSeconds !== undefined) {
      for (const [k, v] of Object.entries(limits.headers)) res.setHeader(k, v);
      deps.gatewayMetrics.rateLimited.inc({ scope: routeLabel });
      throw gatewayErrors.rate_limited('request rate above the limit', { retryAfterSeconds: limits.refusedRetryAfterSeconds });
    }
    if (limits.degraded) {
      deps.gatewayMetrics.limiterDegraded.inc();
      // One line per interval, not per request: an outage must not turn into a log flood.
      const now = Date.now();
      if (now - lastDegradedLog >= DEGRADED_LOG_INTERVAL_MS) {
        lastDegradedLog = now;
        deps.log.warn({ route: routeLabel }, 'rate limiter unavailable; serving without limits (whenUnavailable=open)');
      }
    }

    // The gateway's own answer headers, written with the upstream's in one head.
    const answerHeaders: string[] = [CORRELATION_HEADER, correlationId];
    for (const name in limits.headers) answerHeaders.push(name, limits.headers[name]!);
    const upstream = deps.upstreams.get(match.route.service);
    if (upstream === undefined) throw gatewayErrors.upstream_unavailable(`no upstream ${match.route.service}`);
    const status = await forward(upstream, {
      req, res, body, correlationId,
      path: query === '' ? match.upstreamPath : `${match.upstreamPath}?${query}`,
      clientAddress: client.address,
      forwardedFor: client.forwardedFor,
      proto: String(req.headers['x-forwarded-proto'] ?? 'http') === 'https' && client.forwardedFor.length > 0 ? 'https' : 'http',
      answerHeaders,
    });
    deps.gatewayMetrics.requests.inc({ route: routeLabel, outcome: status >= 500 ? 'upstream_error' : 'proxied' });
    return routeLabel;
  }

  return (req, res) => {
    const started = performance.now();
    const correlationId = sanitizeCorrelationId(req.headers[CORRELATION_HEADER]);
    runWithContext({ correlationId }, () => {
      handle(req, res, correlationId)
        .catch((err: unknown) => {
          if (!res.headersSent) res.setHeader(CORRELATION_HEADER, correlationId);
          if (isAppError(err)) {
            if (err.status >= 500) deps.log.warn({ code: err.code, cause: String((err.cause as Error | undefined)?.message ?? '') }, 'gateway error');
            writeProblem(res, err, correlationId, req.url?.split('?')[0]);
          } else {
            deps.log.error({ err }, 'unexpected gateway error');
            writeProblem(res, gatewayErrors.bad_gateway('internal gateway error'), correlationId);
          }
          return 'error';
        })
        .then((route) => {
          deps.metrics.httpDuration.observe({ route, method: req.method ?? 'GET', status: String(res.statusCode) }, (performance.now() - started) / 1000);
        })
        .catch((err: unknown) => deps.log.error({ err }, 'failed to finish a request'));
    });
  };
}
