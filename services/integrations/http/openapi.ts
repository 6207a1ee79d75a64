/**
 * Integrations' OpenAPI document, served at `GET /openapi.json`.
 */
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { type: 'object' } } } };

/** The document. */
export const openapi = {
  openapi: '3.1.0',
  info: { title: 'Vitrine integrations', version: '1.0.0', description: 'Carrier webhooks into the event-driven integration hub.' },
  paths: {
    '/webhooks/carriers/{carrier}': {
      post: {
        summary: 'A signed carrier update',
        description:
          'X-Vitrine-Signature: sha256=<hex HMAC-SHA256(secret, X-Vitrine-Timestamp + "." + raw body)>; X-Vitrine-Timestamp: Unix seconds, within 5 minutes; X-Vitrine-Event-Id: unique per update.',
        parameters: [
          { name: 'carrier', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'X-Vitrine-Signature', in: 'header', required: true, schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' } },
          { name: 'X-Vitrine-Timestamp', in: 'header', required: true, schema: { type: 'string' } },
          { name: 'X-Vitrine-Event-Id', in: 'header', required: true, schema: { type: 'string', maxLength: 128 } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  trackingCode: { type: 'string' },
                  status: { type: 'string' },
                  description: { type: 'string' },
                  location: { type: 'string' },
                  occurredAt: { type: 'string', format: 'date-time' },
                },
              },
            },
          },
        },
        responses: {
          '202': { description: 'Accepted; Location names the integration request' },
          '400': problem,
          '401': problem,
          '404': problem,
          '409': problem,
        },
      },
    },
    '/api/integrations/requests/{id}': {
      get: { summary: 'State of an integration request', responses: { '200': { description: 'The request' }, '404': problem } },
    },
    '/api/integrations/dead-letters': {
      get: { summary: 'Dead letters (admin)', security: [{ bearer: [] }], responses: { '200': { description: '{ items }' }, '401': problem, '403': problem } },
    },
    '/api/integrations/dead-letters/{id}/replay': {
      post: { summary: 'Replay a dead letter (admin)', security: [{ bearer: [] }], responses: { '202': { description: 'Replayed' }, '404': problem } },
    },
  },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
} as const;
