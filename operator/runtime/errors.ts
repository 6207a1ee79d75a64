/**
 * The runtime's error catalogue. Controllers throw these (or let the client throw them);
 * the work queue retries everything except `PermanentError`, whose message becomes a condition.
 */

/** A failed Kubernetes API call, with the HTTP status and the Status object's reason. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path}: ${code} ${reason}: ${message}`);
  }

  /** Not found (404). */
  get notFound(): boolean {
    return this.code === 404;
  }
  /** Conflict on resourceVersion or already exists (409). */
  get conflict(): boolean {
    return this.code === 409;
  }
  /** Resource version too old (410) on list or watch. */
  get gone(): boolean {
    return this.code === 410;
  }
  /** 422: the API server rejected the object (schema, CEL, admission). Retrying does not help. */
  get invalid(): boolean {
    return this.code === 422 || this.code === 400;
  }
}

/** A mistake in a user's spec: retried only when the spec changes, reported as a condition. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** True for a `KubeApiError` with status 404. */
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.notFound;
}

/** True for a `KubeApiError` with status 409. */
export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.conflict;
}
