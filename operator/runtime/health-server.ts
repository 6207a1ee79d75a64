/**
 * The probe and metrics endpoint: `/healthz` (the process and its informers are alive),
 * `/readyz` (caches synced), `/metrics` (Prometheus text).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A named check; it returns an error message, or undefined when fine. */
export type Check = () => string | undefined;

/** Serves probes and metrics on one port. */
export class HealthServer {
  private server: Server | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly healthz: Record<string, Check>,
    private readonly readyz: Record<string, Check>,
  ) {}

  /** Listens; port 0 picks a free port. Resolves with the port. */
  listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const checks = path === '/healthz' ? this.healthz : path === '/readyz' ? this.readyz : undefined;
      if (checks) {
        const failed = Object.entries(checks)
          .map(([name, check]) => [name, check()] as const)
          .filter(([, msg]) => msg !== undefined);
        res.writeHead(failed.length ? 503 : 200, { 'content-type': 'text/plain' });
        res.end(failed.length ? failed.map(([n, m]) => `[-]${n} failed: ${m}`).join('\n') + '\n' : 'ok\n');
        return;
      }
      if (path === '/metrics') {
        this.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': this.registry.contentType });
            res.end(text);
          },
          (err: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(String(err));
          },
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
    });
  }

  /** Stops listening. */
  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
