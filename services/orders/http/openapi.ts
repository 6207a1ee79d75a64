/**
 * OpenAPI 3.1 document of the orders service, served at `GET /openapi.json`.
 */
const money = { type: 'object', required: ['amount', 'currency'], properties: { amount: { type: 'integer' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } } };
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const status = { type: 'string', enum: ['placed', 'reserved', 'paid', 'confirmed', 'invoiced', 'shipped', 'delivered', 'cancelled'] };

/** The document. */
export const ordersOpenApi = {
  openapi: '3.1.0',
  info: { title: 'Vitrine orders', version: '0.1.0', description: 'Checkout with Idempotency-Key, order tracking and the checkout saga (docs/checkout-saga.md).' },
  security: [{ bearer: [] }],
  paths: {
    '/api/orders': {
      post: {
        summary: "Place an order from the caller's cart",
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 255 } }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['payment', 'shippingAddress'],
                properties: {
                  payment: { type: 'object', required: ['method', 'token'], properties: { method: { const: 'card' }, token: { type: 'string', maxLength: 512 } } },
                  shippingAddress: { $ref: '#/components/schemas/Address' },
                },
              },
            },
          },
        },
        responses: {
          '201': { description: 'Placed', content: { 'application/json': { schema: { $ref: '#/components/schemas/Placed' } } } },
          '200': { description: 'Replay of the same key and body: the same order', content: { 'application/json': { schema: { $ref: '#/components/schemas/Placed' } } } },
          '400': problem,
          '401': problem,
          '409': { ...problem, description: 'Key reused with another body, or empty cart' },
          '413': problem,
          '415': problem,
          '503': problem,
        },
      },
      get: {
        summary: "List the caller's orders (admins: any customer's with customerId)",
        parameters: [
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { name: 'customerId', in: 'query', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'A page of orders' }, '400': problem, '401': problem, '403': problem },
      },
    },
    '/api/orders/{id}': {
      get: {
        summary: 'One order with its history (owner or admin)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'The order', content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } }, '401': problem, '404': problem },
      },
    },
    '/api/orders/{id}/cancel': {
      post: {
        summary: 'Cancel an order before it ships (compensates stock and payment)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'Cancelled' }, '401': problem, '404': problem, '409': problem },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Money: money,
      Address: {
        type: 'object',
        required: ['name', 'line1', 'city', 'postalCode', 'country'],
        properties: {
          name: { type: 'string' },
          line1: { type: 'string' },
          line2: { type: 'string' },
          city: { type: 'string' },
          state: { type: 'string' },
          postalCode: { type: 'string' },
          country: { type: 'string', pattern: '^[A-Z]{2}$' },
        },
      },
      Placed: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status } },
      Order: {
        type: 'object',
        required: ['id', 'status', 'items', 'total', 'history'],
        properties: {
          id: { type: 'string' },
          status,
          items: { type: 'array', items: { type: 'object' } },
          total: money,
          cancelReason: { type: 'string' },
          invoiceNumber: { type: 'string' },
          trackingUrl: { type: 'string' },
          history: { type: 'array', items: { type: 'object', properties: { from: status, status, reason: { type: 'string' }, at: { type: 'string', format: 'date-time' } } } },
        },
      },
      Problem: {
        type: 'object',
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' } },
      },
    },
  },
} as const;
