/**
 * Small HTTP pieces shared by the fake's route files: the error type that becomes an OCI error
 * body (`{ code, message }`), the handler contract and the list pagination OCI uses
 * (`limit`, `page`, `opc-next-page`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeStore } from './store.ts';

/** An OCI-style error answer. */
export class FakeApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** What a route handler sees. */
export interface RouteContext {
  readonly method: string;
  readonly url: URL;
  readonly params: readonly string[];
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly store: FakeStore;
}

/** What a route handler answers. */
export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** One route: method, anchored path pattern (after the API version prefix) and handler. */
export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** Operation name used by fault injection and the request log. */
  readonly operation: string;
  readonly handle: (ctx: RouteContext) => RouteResult;
}

/** 404 the way OCI words it (it never says whether the resource exists). */
export function notFound(what: string): FakeApiError {
  return new FakeApiError(404, 'NotAuthorizedOrNotFound', `${what} not found or not authorized`);
}

/** Reads a string field of a JSON body or fails with 400 InvalidParameter. */
export function requireString(body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string' || value === '') {
    throw new FakeApiError(400, 'InvalidParameter', `${field} is required`);
  }
  return value;
}

/** One page of `items` given the request's `limit` and `page` query parameters. */
export function paginate<T>(items: readonly T[], url: URL, defaultLimit: number): { page: T[]; headers: Record<string, string> } {
  const limit = Math.max(1, Number(url.searchParams.get('limit') ?? defaultLimit) || defaultLimit);
  const start = Number(url.searchParams.get('page') ?? 0) || 0;
  const page = items.slice(start, start + limit);
  const next: Record<string, string> = start + limit < items.length ? { 'opc-next-page': String(start + limit) } : {};
  return { page, headers: next };
}

/** The If-Match rule: when given, it must equal the current ETag, otherwise 412. */
export function checkIfMatch(headers: IncomingHttpHeaders, etag: string): void {
  const ifMatch = headers['if-match'];
  if (typeof ifMatch === 'string' && ifMatch !== '' && ifMatch !== '*' && ifMatch !== etag) {
    throw new FakeApiError(412, 'PreconditionFailed', 'The resource has changed since the given ETag');
  }
}
