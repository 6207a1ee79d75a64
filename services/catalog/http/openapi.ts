/**
 * Catalog's OpenAPI 3.1 document, served at `GET /openapi.json`; request schemas come from the
 * zod schemas the routes validate with.
 */
import { z } from 'zod';
import { newProductBody, productBody } from './schemas.ts';

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const json = (schema: object) => ({ 'application/json': { schema } });
const product = { $ref: '#/components/schemas/Product' };
const sku = { name: 'sku', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } };

/** The document. */
export const catalogOpenApi = {
  openapi: '3.1.0',
  info: { title: 'Vitrine catalog', version: '1.0.0' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Problem: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } },
      Money: { type: 'object', required: ['amount', 'currency'], properties: { amount: { type: 'integer' }, currency: { type: 'string' } } },
      Product: {
        type: 'object',
        required: ['sku', 'name', 'price', 'active'],
        properties: {
          sku: { type: 'string' },
          name: { type: 'string' },
          description: { type: 'string' },
          price: { $ref: '#/components/schemas/Money' },
          stock: { type: 'integer' },
          active: { type: 'boolean' },
        },
      },
    },
  },
  paths: {
    '/api/catalog/products': {
      get: {
        summary: 'List or search active products (accent- and case-insensitive)',
        parameters: [
          { name: 'q', in: 'query', schema: { type: 'string', maxLength: 100 } },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
        ],
        responses: {
          '200': {
            description: 'A page',
            content: json({ type: 'object', properties: { items: { type: 'array', items: product }, page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { type: 'integer' } } }),
          },
          '400': problem,
        },
      },
      post: {
        summary: 'Create a product (admin)',
        security: [{ bearer: [] }],
        requestBody: { required: true, content: json(z.toJSONSchema(newProductBody, { io: 'input' })) },
        responses: { '201': { description: 'Created', content: json(product) }, '400': problem, '401': problem, '403': problem, '409': problem },
      },
    },
    '/api/catalog/products/{sku}': {
      get: { summary: 'One product', parameters: [sku], responses: { '200': { description: 'The product', content: json(product) }, '404': problem } },
      put: {
        summary: 'Create or replace a product (admin)',
        security: [{ bearer: [] }],
        parameters: [sku],
        requestBody: { required: true, content: json(z.toJSONSchema(productBody, { io: 'input' })) },
        responses: { '200': { description: 'Replaced', content: json(product) }, '201': { description: 'Created', content: json(product) }, '400': problem, '401': problem, '403': problem },
      },
    },
  },
} as const;
