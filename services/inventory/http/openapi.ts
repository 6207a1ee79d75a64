/**
 * OpenAPI 3.1 document of the inventory service, served at `GET /openapi.json`.
 */
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { type: 'object' } } } };
const level = {
  description: 'Stock level',
  content: { 'application/json': { schema: { type: 'object', properties: { sku: { type: 'string' }, available: { type: 'integer' }, reserved: { type: 'integer' } } } } },
};
const sku = { name: 'sku', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } };

/** The document. */
export const inventoryOpenApi = {
  openapi: '3.1.0',
  info: { title: 'Vitrine inventory', version: '0.1.0', description: 'Stock per SKU and reservations per order (docs/checkout-saga.md).' },
  paths: {
    '/api/inventory/stock/{sku}': {
      get: { summary: "A SKU's stock", parameters: [sku], responses: { '200': level, '400': problem, '404': problem } },
      put: {
        summary: 'Set the available quantity (admin); creates the SKU',
        security: [{ bearer: [] }],
        parameters: [sku],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['available'], properties: { available: { type: 'integer', minimum: 0 } } } } } },
        responses: { '200': level, '201': level, '400': problem, '401': problem, '403': problem, '413': problem, '415': problem },
      },
    },
    '/api/inventory/stock/{sku}/adjustments': {
      post: {
        summary: 'Add to or take from the available quantity (admin)',
        security: [{ bearer: [] }],
        parameters: [sku],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['delta'], properties: { delta: { type: 'integer', not: { const: 0 } } } } } } },
        responses: { '200': level, '400': problem, '401': problem, '403': problem, '404': problem, '409': problem },
      },
    },
    '/api/inventory/reservations/{orderId}': {
      get: {
        summary: "An order's reservation (admin)",
        security: [{ bearer: [] }],
        parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'Reservation' }, '401': problem, '403': problem, '404': problem },
      },
    },
  },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
} as const;
