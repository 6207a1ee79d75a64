/**
 * The OCI error catalogue. Every failed oci-sdk call is turned into one `OciCallError` that says
 * what the controller should do with it: requeue after the server's `Retry-After` (429), back off
 * (5xx, network), re-read and retry (409/412), forget the OCID (404), or report the user's mistake
 * as a condition and stop retrying (400, 401 from a bad key, an unusable load balancer).
 */

/** The kinds of OCI failure the controller tells apart. */
export type OciErrorCode =
  | 'Throttled'
  | 'Unavailable'
  | 'Conflict'
  | 'PreconditionFailed'
  | 'NotFound'
  | 'BadRequest'
  | 'NotAuthenticated'
  | 'AuthConfig'
  | 'WorkRequestFailed'
  | 'LoadBalancerNotL7';

const PERMANENT: ReadonlySet<OciErrorCode> = new Set(['BadRequest', 'NotAuthenticated', 'AuthConfig', 'LoadBalancerNotL7']);

/** A failed OCI call or an unusable OCI setup. */
export class OciCallError extends Error {
  override readonly name = 'OciCallError';
  constructor(
    readonly code: OciErrorCode,
    message: string,
    readonly details: {
      readonly httpStatus?: number;
      readonly serviceCode?: string;
      readonly operation?: string;
      readonly opcRequestId?: string | null;
      /** From `Retry-After` on a 429/503. */
      readonly retryAfterMs?: number;
    } = {},
  ) {
    super(message);
  }

  /** A mistake of the user or the setup: retrying the same spec does not help. */
  get permanent(): boolean {
    return PERMANENT.has(this.code);
  }
}

/** The error code for an HTTP status OCI answered. */
export function codeForStatus(status: number): OciErrorCode {
  if (status === 429) return 'Throttled';
  if (status === 409) return 'Conflict';
  if (status === 412) return 'PreconditionFailed';
  if (status === 404) return 'NotFound';
  if (status === 401) return 'NotAuthenticated';
  if (status >= 400 && status < 500) return 'BadRequest';
  return 'Unavailable';
}
