/**
 * Identity's OpenAPI 3.1 document, served at `GET /openapi.json`. Request schemas come from the
 * same zod schemas the routes validate with, so the two cannot drift.
 */
import { z } from 'zod';
import { loginBody, logoutBody, refreshBody, registerBody } from './schemas.ts';

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const json = (schema: object) => ({ 'application/json': { schema } });
const tokenPair = {
  type: 'object',
  required: ['accessToken', 'refreshToken', 'expiresIn'],
  properties: { accessToken: { type: 'string' }, refreshToken: { type: 'string' }, expiresIn: { type: 'integer' }, tokenType: { const: 'Bearer' } },
};

/** The document. */
export const identityOpenApi = {
  openapi: '3.1.0',
  info: { title: 'Vitrine identity', version: '1.0.0' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Problem: {
        type: 'object',
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' } },
      },
    },
  },
  paths: {
    '/api/identity/register': {
      post: {
        summary: 'Create an account',
        requestBody: { required: true, content: json(z.toJSONSchema(registerBody, { io: 'input' })) },
        responses: {
          '201': { description: 'Created', content: json({ type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' } } }) },
          '400': problem,
          '409': problem,
          '415': problem,
        },
      },
    },
    '/api/identity/login': {
      post: {
        summary: 'Exchange e-mail and password for tokens',
        requestBody: { required: true, content: json(z.toJSONSchema(loginBody, { io: 'input' })) },
        responses: { '200': { description: 'Tokens', content: json(tokenPair) }, '400': problem, '401': problem, '429': problem },
      },
    },
    '/api/identity/refresh': {
      post: {
        summary: 'Rotate a refresh token (a reused one revokes its family)',
        requestBody: { required: true, content: json(z.toJSONSchema(refreshBody, { io: 'input' })) },
        responses: { '200': { description: 'New tokens', content: json(tokenPair) }, '400': problem, '401': problem },
      },
    },
    '/api/identity/logout': {
      post: {
        summary: 'Revoke the access token and, when given, the refresh token family',
        security: [{ bearer: [] }],
        requestBody: { required: false, content: json(z.toJSONSchema(logoutBody, { io: 'input' })) },
        responses: { '204': { description: 'Logged out' }, '401': problem },
      },
    },
    '/api/identity/me': {
      get: { summary: 'The caller', security: [{ bearer: [] }], responses: { '200': { description: 'Profile' }, '401': problem } },
    },
    '/.well-known/jwks.json': { get: { summary: 'Public signing keys (also /api/identity/jwks.json)', responses: { '200': { description: 'JWKS' } } } },
  },
} as const;
