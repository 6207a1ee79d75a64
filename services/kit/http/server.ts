/**
 * Listening and graceful closing of the HTTP server: stop accepting, let in-flight requests finish,
 * then cut what is left when the deadline passes.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server and how to close it. */
export interface HttpServer {
  readonly server: Server;
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stops accepting, waits for in-flight requests up to `timeoutMs`, then closes the rest. */
  close(timeoutMs?: number): Promise<void>;
}

/** Starts listening on `port` (0 picks a free one); `onError` receives server errors after start (e.g. EMFILE). */
export async function listen(app: RequestListener, port: number, host = '0.0.0.0', onError: (err: Error) => void = () => {}): Promise<HttpServer> {
  let closing = false;
  const server = createServer();
  // While closing, tell keep-alive clients not to reuse the connection of an answer in flight
  // (registered before the app, so it runs before any handler writes headers).
  server.on('request', (_req, res) => {
    if (closing) res.setHeader('connection', 'close');
  });
  server.on('request', app);
  // Keep-alive longer than typical load balancer idle timeouts, so the LB closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      // Unhandled, an 'error' after start would crash the process; the service logs it instead.
      server.on('error', onError);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    close: (timeoutMs = 10_000) =>
      new Promise<void>((resolve) => {
        closing = true;
        const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
        // A keep-alive socket that becomes idle after its last answer would hold close() open
        // until its timeout: close idle sockets as they appear.
        const sweeper = setInterval(() => server.closeIdleConnections(), 100);
        server.close(() => {
          clearTimeout(timer);
          clearInterval(sweeper);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
