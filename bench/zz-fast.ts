import { createServer } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import { createMetrics, runWithContext, sanitizeCorrelationId } from '../services/kit/index.ts';
const mode = process.argv[2] ?? 'express';
const BODY = JSON.stringify({ token: 'x', status: 'EM_TRANSITO', updatedAt: '2024-11-20T10:00:00Z', events: Array.from({ length: 6 }, (_, i) => ({ at: `2024-11-2${i}`, code: `E${i}`, description: 'Objeto em trânsito - por favor aguarde', location: 'São Paulo / SP' })) });
// helmet's headers, captured once
const captured: [string, string][] = [];
helmet()({} as never, { setHeader: (k: string, v: string) => captured.push([k, String(v)]), removeHeader: () => {} } as never, () => {});
const metrics = createMetrics('x');
let handler;
if (mode === 'express') {
  const app = express();
  app.get('/t', (_req, res) => { res.type('application/json').send(BODY); });
  handler = app;
} else {
  handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const end = metrics.httpDuration.startTimer();
    const correlationId = sanitizeCorrelationId(req.headers['x-correlation-id']);
    runWithContext({ correlationId }, () => {
      for (const [k, v] of captured) res.setHeader(k, v);
      res.setHeader('X-Correlation-ID', correlationId);
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('ETag', 'W/"abc"');
      res.setHeader('Content-Length', Buffer.byteLength(BODY));
      res.end(BODY);
      end({ route: '/api/tracking/:token', method: 'GET', status: '200' });
    });
  };
}
console.error(captured.length, 'helmet headers');
const s = createServer({ keepAliveTimeout: 65000 }, handler);
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (s.address() as { port: number }).port })));
