/**
 * OpenAPI 3.1 document of the payments service, served at `GET /openapi.json`.
 */
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { type: 'object' } } } };

/** The document. */
export const paymentsOpenApi = {
  openapi: '3.1.0',
  info: { title: 'Vitrine payments', version: '0.1.0', description: 'Authorizations and refunds of the checkout saga (docs/checkout-saga.md).' },
  security: [{ bearer: [] }],
  paths: {
    '/api/payments/{orderId}': {
      get: {
        summary: "An order's payment (admin)",
        parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'Payment',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    orderId: { type: 'string' },
                    paymentId: { type: 'string' },
                    status: { type: 'string', enum: ['pending', 'authorized', 'failed', 'timed_out', 'cancelled', 'voided', 'refunded'] },
                    amount: { type: ['object', 'null'] },
                    reason: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          '401': problem,
          '403': problem,
          '404': problem,
        },
      },
    },
  },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
} as const;
