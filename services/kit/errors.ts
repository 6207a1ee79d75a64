/**
 * The typed error catalogue of the kit, and the way each area defines its own (fastify's
 * `lib/errors.js` pattern): an error has a stable code, an HTTP status and a title; the one error
 * middleware (http/errors-middleware.ts) turns it into `application/problem+json` (RFC 9457).
 */

/** One entry of an error catalogue. */
export interface ErrorSpec {
  /** HTTP status the error maps to. */
  readonly status: number;
  /** Short, human-readable summary that does not change between occurrences. */
  readonly title: string;
}

/** An error that knows how to present itself as a problem document. */
export class AppError extends Error {
  /** Stable, machine-readable code, e.g. `order_not_found`. */
  readonly code: string;
  /** HTTP status. */
  readonly status: number;
  /** Catalogue title. */
  readonly title: string;
  /** Extension members added to the problem document (must hold no secret or personal data). */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(code: string, spec: ErrorSpec, detail?: string, extra: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(detail ?? spec.title, options);
    this.name = 'AppError';
    this.code = code;
    this.status = spec.status;
    this.title = spec.title;
    this.extra = extra;
  }

  /** The RFC 9457 `type` URI of this error. */
  get type(): string {
    return `https://vitrine.dev/problems/${this.code.replaceAll('_', '-')}`;
  }
}

/** Factory functions made from a catalogue: `errors.order_not_found('order 42')`. */
export type ErrorFactories<T extends Record<string, ErrorSpec>> = {
  readonly [K in keyof T]: (detail?: string, extra?: Record<string, unknown>, options?: ErrorOptions) => AppError;
};

/**
 * Turns a catalogue into factories. Each area (a service, the kit) defines one catalogue.
 * @example const errors = defineErrors({ order_not_found: { status: 404, title: 'Order not found' } });
 */
export function defineErrors<T extends Record<string, ErrorSpec>>(catalogue: T): ErrorFactories<T> {
  const factories: Record<string, unknown> = {};
  for (const [code, spec] of Object.entries(catalogue)) {
    factories[code] = (detail?: string, extra?: Record<string, unknown>, options?: ErrorOptions) =>
      new AppError(code, spec, detail, extra, options);
  }
  return Object.freeze(factories) as ErrorFactories<T>;
}

/** Errors the kit itself raises; services may raise them too. */
export const kitErrors = defineErrors({
  bad_request: { status: 400, title: 'Bad request' },
  malformed_json: { status: 400, title: 'Malformed JSON body' },
  validation_failed: { status: 400, title: 'Request validation failed' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
});

/** True when `err` is an AppError (also across module copies, by shape). */
export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
