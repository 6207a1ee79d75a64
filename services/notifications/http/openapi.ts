/**
 * Notifications' OpenAPI document, served at `GET /openapi.json`.
 */
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { type: 'object' } } } };
const preferences = {
  type: 'object',
  properties: { customerId: { type: 'string' }, optedOut: { type: 'boolean' }, shipmentUpdates: { type: 'boolean' }, locale: { type: 'string', enum: ['pt-BR', 'en'] } },
};

/** The document. */
export const openapi = {
  openapi: '3.1.0',
  info: { title: 'Vitrine notifications', version: '1.0.0', description: 'Customer notifications from order, shipment and identity events.' },
  paths: {
    '/api/notifications/preferences': {
      get: { summary: "The caller's preferences", security: [{ bearer: [] }], responses: { '200': { description: 'Preferences', content: { 'application/json': { schema: preferences } } }, '401': problem } },
      put: {
        summary: "Change the caller's preferences",
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: preferences } } },
        responses: { '200': { description: 'Preferences' }, '400': problem, '401': problem },
      },
    },
    '/api/notifications/opt-out': { post: { summary: 'Stop every notification to the caller', security: [{ bearer: [] }], responses: { '200': { description: 'Preferences' }, '401': problem } } },
    '/api/notifications/dead-letters': { get: { summary: 'Dead notifications (admin)', security: [{ bearer: [] }], responses: { '200': { description: '{ items }' }, '403': problem } } },
    '/api/notifications/dead-letters/{id}/replay': { post: { summary: 'Queue a dead notification again (admin)', security: [{ bearer: [] }], responses: { '202': { description: 'Queued' }, '404': problem } } },
  },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
} as const;
