/**
 * Cart's OpenAPI 3.1 document, served at `GET /openapi.json`.
 */
import { z } from 'zod';
import { itemBody } from './schemas.ts';

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const cart = { description: 'The cart', content: { 'application/json': { schema: { $ref: '#/components/schemas/Cart' } } } };
const sku = { name: 'sku', in: 'path', required: true, schema: { type: 'string' } };
const userId = { name: 'userId', in: 'path', required: true, schema: { type: 'string' } };
const money = { type: 'object', required: ['amount', 'currency'], properties: { amount: { type: 'integer' }, currency: { type: 'string' } } };

/** The document. */
export const cartOpenApi = {
  openapi: '3.1.0',
  info: { title: 'Vitrine cart', version: '1.0.0' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Problem: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } },
      Cart: {
        type: 'object',
        required: ['items', 'total'],
        properties: {
          items: {
            type: 'array',
            items: {
              type: 'object',
              required: ['sku', 'name', 'quantity', 'unitPrice'],
              properties: { sku: { type: 'string' }, name: { type: 'string' }, quantity: { type: 'integer' }, unitPrice: money, available: { type: 'boolean' } },
            },
          },
          total: money,
        },
      },
    },
  },
  paths: {
    '/api/cart': { get: { summary: "The caller's cart", security: [{ bearer: [] }], responses: { '200': cart, '401': problem } } },
    '/api/cart/items/{sku}': {
      put: {
        summary: 'Set the quantity of a product (price snapshot taken now)',
        security: [{ bearer: [] }],
        parameters: [sku],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(itemBody(99), { io: 'input' }) } } },
        responses: { '200': cart, '400': problem, '401': problem, '404': problem, '409': problem, '413': problem, '415': problem, '503': problem },
      },
      delete: { summary: 'Remove a product', security: [{ bearer: [] }], parameters: [sku], responses: { '200': cart, '400': problem, '401': problem } },
    },
    '/internal/carts/{userId}': {
      get: { summary: "A user's cart (orders; not routed by the gateway)", parameters: [userId], responses: { '200': cart } },
      delete: { summary: "Empty a user's cart after an order (orders)", parameters: [userId], responses: { '204': { description: 'Emptied' } } },
    },
  },
} as const;
