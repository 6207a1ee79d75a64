/**
 * Assembly of the gateway: state derived from the config (router, WAF, client resolver), the
 * long-lived pieces (upstream pools, rate limiter, token verifier, metrics) and the HTTP server.
 * `reload()` swaps the state atomically: requests in flight finish on the state they started with,
 * the listening socket and the kept-alive client and upstream connections stay open.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Health, Logger, ServiceMetrics } from '../kit/index.ts';
import type { GatewayConfig } from './config/schema.ts';
import { clientAddressResolver } from './edge/client-address.ts';
import type { RateLimiter } from './edge/rate-limiter.ts';
import type { TokenVerifier } from './edge/token-verifier.ts';
import { createPipeline, type GatewayState } from './http/handler.ts';
import { createGatewayMetrics, type GatewayMetrics } from './http/metrics.ts';
import { UpstreamRegistry } from './proxy/upstreams.ts';
import { createRouter } from './routing/router.ts';
import { createWaf, wafObserver } from './waf/index.ts';

/** What the gateway is built from. */
export interface GatewayOptions {
  readonly config: GatewayConfig;
  readonly limiter: RateLimiter;
  readonly verifier: TokenVerifier;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly health: Health;
}

/** A running (or ready to listen) gateway. */
export interface Gateway {
  readonly server: Server;
  readonly metrics: GatewayMetrics;
  /** Applies a new config without dropping connections. */
  reload(config: GatewayConfig): void;
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, finishes in-flight requests, closes pools. */
  close(): Promise<void>;
}

/** Builds the gateway. */
export function createGateway(options: GatewayOptions): Gateway {
  const upstreams = new UpstreamRegistry();
  const gatewayMetrics = createGatewayMetrics(options.metrics.registry, upstreams);
  const observer = wafObserver(options.metrics.registry, options.log);

  const buildState = (config: GatewayConfig): GatewayState => {
    const { enabled, ...policy } = config.waf;
    const ownHosts = [...new Set([...policy.ownHosts, ...config.hosts])];
    return {
      config,
      router: createRouter(config),
      waf: enabled ? createWaf(Object.freeze({ ...policy, ownHosts }), observer) : undefined,
      resolveClient: clientAddressResolver(config.trustedProxies),
    };
  };

  let state = buildState(options.config);
  for (const pool of upstreams.apply(options.config.upstreams)) void pool.close();
  const shopHosts = (): Set<string> => new Set(state.config.hosts);

  const internal = (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return true;
    }
    if (path === '/readyz') {
      void options.health.run().then((r) => {
        res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: r.ok ? 'ready' : 'not ready', checks: r.checks }));
      });
      return true;
    }
    // Metrics are for the cluster's scraper (pod address), never for shoppers on the public hosts.
    if (path === '/metrics' && !shopHosts().has(host)) {
      void options.metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text);
      });
      return true;
    }
    return false;
  };

  const server = createServer(
    { keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 120_000 },
    createPipeline({
      state: () => state, upstreams, limiter: options.limiter, verifier: options.verifier,
      log: options.log, metrics: options.metrics, gatewayMetrics, internal,
    }),
  );
  server.on('clientError', (err, socket) => {
    // Malformed HTTP never reaches the pipeline; answer 400 and close, as Node would, but quietly.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    options.log.debug({ code: (err as NodeJS.ErrnoException).code }, 'client error');
  });

  return {
    server,
    metrics: gatewayMetrics,
    reload(config) {
      const next = buildState(config);
      const retired = upstreams.apply(config.upstreams);
      state = next;
      // Retired pools close after their in-flight requests; new requests already use the new pools.
      for (const pool of retired) void pool.close();
      gatewayMetrics.reloads.inc({ result: 'applied' });
      options.log.info({ routes: config.routes.length, upstreams: Object.keys(config.upstreams).length }, 'gateway config applied');
    },
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    async close() {
      options.health.startDraining();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await upstreams.close();
    },
  };
}
