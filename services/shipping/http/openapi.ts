/**
 * Shipping's OpenAPI document, served at `GET /openapi.json`.
 */

const problem = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problem } } });

/** The document. */
export const openapi = {
  openapi: '3.1.0',
  info: { title: 'Vitrine shipping', version: '1.0.0', description: 'Shipments, the tracking page and its JSON timeline.' },
  paths: {
    '/api/tracking/{token}': {
      get: {
        summary: 'Tracking timeline of a shipment',
        parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string', maxLength: 512 } }],
        responses: {
          '200': { description: 'The timeline', content: { 'application/json': { schema: { $ref: '#/components/schemas/TrackingView' } } } },
          '404': problemResponse('Unknown, forged, tampered or expired token (all alike)'),
        },
      },
    },
    '/api/tracking/lookup': {
      post: {
        summary: 'A tracking link from the order number plus the e-mail or the delivery postcode',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['orderId'],
                properties: { orderId: { type: 'string' }, email: { type: 'string', format: 'email' }, postalCode: { type: 'string' } },
              },
            },
          },
        },
        responses: {
          '200': { description: 'Found', content: { 'application/json': { schema: { type: 'object', properties: { trackingUrl: { type: 'string', format: 'uri' } } } } } },
          '400': problemResponse('Bad input'),
          '404': problemResponse('No order matches'),
          '429': problemResponse('Too many lookups'),
        },
      },
    },
    '/': { get: { summary: 'Tracking page (tracking host), `?h=<token>&lang=pt-BR|en`', responses: { '200': { description: 'HTML' }, '404': { description: 'HTML: the one not-found page' } } } },
    '/rastreio': { get: { summary: 'Tracking page (shop host), `?h=<token>&lang=pt-BR|en`', responses: { '200': { description: 'HTML' }, '404': { description: 'HTML' } } } },
    '/rastreio/buscar': {
      post: {
        summary: 'Lookup form (application/x-www-form-urlencoded: order, contact, lang)',
        responses: { '303': { description: 'To the tracking page' }, '404': { description: 'HTML' }, '429': { description: 'HTML' } },
      },
    },
  },
  components: {
    schemas: {
      Problem: {
        type: 'object',
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' } },
      },
      TrackingView: {
        type: 'object',
        required: ['shipmentId', 'orderId', 'status', 'carrier', 'trackingCode', 'estimatedDelivery', 'checkpoints', 'updatedAt'],
        properties: {
          shipmentId: { type: 'string' },
          orderId: { type: 'string' },
          status: { type: 'string', enum: ['created', 'posted', 'in_transit', 'out_for_delivery', 'delivered', 'exception'] },
          carrier: { type: 'string' },
          trackingCode: { type: 'string' },
          estimatedDelivery: { type: 'string', format: 'date-time' },
          deliveredAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          checkpoints: {
            type: 'array',
            items: {
              type: 'object',
              required: ['status', 'occurredAt'],
              properties: { status: { type: 'string' }, description: { type: 'string' }, location: { type: 'string' }, occurredAt: { type: 'string', format: 'date-time' } },
            },
          },
        },
      },
    },
  },
} as const;
