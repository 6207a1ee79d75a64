/**
 * The app factory: Express 5 with the service defaults. Routes go between {@link createApp} and
 * {@link finishApp} (404 and the error middleware must come after them); `createService` does both.
 */
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import type { Logger } from '../logging.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { Health } from '../health.ts';
import { kitErrors } from '../errors.ts';
import { correlation, requestMetrics, requireJsonBody } from './middleware.ts';
import { problemHandler, PROBLEM_CONTENT_TYPE } from './problem.ts';
import './express-types.ts';

/** Options of {@link createApp}. */
export interface AppOptions {
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly health: Health;
  /** Largest JSON body. @default '100kb' */
  readonly bodyLimit?: string;
  /** Body content types accepted besides JSON (e.g. a webhook's). @default [] */
  readonly extraBodyTypes?: readonly string[];
  /** Trust X-Forwarded-* from this many proxies (the gateway, the load balancer). @default 1 */
  readonly trustProxy?: number | boolean;
}

/** The security headers of every answer (helmet's defaults); fast routes send the same ones. */
export const securityHeaders = helmet();

/** Creates the Express app with security headers, correlation ids, metrics, body parsing, health. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? 1);
  app.use(securityHeaders);
  app.use(correlation());
  app.use(requestMetrics(options.metrics));
  app.use(requireJsonBody(options.extraBodyTypes));
  app.use(
    express.json({
      limit: options.bodyLimit ?? '100kb',
      type: ['application/json', 'application/*+json'],
      // Keep the exact bytes: webhook signatures are computed over them, not over re-serialized JSON.
      verify: (req, _res, buf) => {
        (req as Request).rawBody = buf;
      },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const result = await options.health.run();
    if (result.ok) {
      res.json({ status: 'ready', checks: result.checks });
      return;
    }
    res.status(503).type(PROBLEM_CONTENT_TYPE).send(
      JSON.stringify({
        type: 'https://vitrine.dev/problems/not-ready',
        title: 'Not ready',
        status: 503,
        detail: result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.error ?? 'failed'}`).join('; '),
        checks: result.checks,
      }),
    );
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  return app;
}

/** Adds the 404 for unknown routes and the error middleware; call after the routes. */
export function finishApp(app: Express, log: Logger): Express {
  app.use((req, _res, next) => {
    next(kitErrors.not_found(`no route for ${req.method} ${req.path}`));
  });
  app.use(problemHandler(log));
  return app;
}
