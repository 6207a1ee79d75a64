/**
 * The oci-sdk clients the operator uses (WAF and Load Balancer), built so that the controller, not
 * the SDK, decides about retries: the SDK's own retrier is switched off (it would sleep inside a
 * worker for minutes) and its circuit breaker too (the work queue's back-off plays that part).
 * A thin HttpClient wrapper remembers `Retry-After` of 429/503 answers by `opc-request-id`,
 * because OciError does not carry response headers.
 */
import * as common from 'oci-common';
import { LoadBalancerClient } from 'oci-loadbalancer';
import { WafClient } from 'oci-waf';
import { codeForStatus, OciCallError } from './errors.ts';

/** Where to reach OCI; endpoints override the region's (tests point them at the fake). */
export interface OciClientOptions {
  readonly region: string;
  readonly wafEndpoint?: string;
  readonly loadBalancerEndpoint?: string;
}

/** The clients plus the error mapping that knows the recorded `Retry-After` values. */
export interface OciClients {
  readonly waf: WafClient;
  readonly loadBalancer: LoadBalancerClient;
  /** Runs one SDK call and maps any failure to an `OciCallError`. */
  call<T>(operation: string, fn: () => Promise<T>): Promise<T>;
}

/** Default wait when OCI throttles without saying for how long. */
export const DEFAULT_RETRY_AFTER_MS = 5_000;
const MAX_REMEMBERED = 256;

class RetryAfterRecorder implements common.HttpClient {
  readonly retryAfter = new Map<string, number>();
  constructor(private readonly inner: common.HttpClient) {}

  async send(req: common.HttpRequest, ...rest: unknown[]): Promise<Response> {
    const send = this.inner.send.bind(this.inner) as (r: common.HttpRequest, ...a: unknown[]) => Promise<Response>;
    const response = await send(req, ...rest);
    if (response.status === 429 || response.status === 503) {
      const id = response.headers.get('opc-request-id');
      const ms = parseRetryAfter(response.headers.get('retry-after'));
      if (id && ms !== undefined) {
        if (this.retryAfter.size >= MAX_REMEMBERED) this.retryAfter.delete(this.retryAfter.keys().next().value!);
        this.retryAfter.set(id, ms);
      }
    }
    return response;
  }
}

/** `Retry-After` as seconds or an HTTP date → milliseconds. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const NO_RETRY: common.RetryConfiguration = { terminationStrategy: new common.MaxAttemptsTerminationStrategy(1) };

/** Builds the WAF and Load Balancer clients for one authentication provider. */
export function createOciClients(provider: common.AuthenticationDetailsProvider, options: OciClientOptions): OciClients {
  const recorder = new RetryAfterRecorder(new common.FetchHttpClient(new common.DefaultRequestSigner(provider), null));
  const configuration: common.ClientConfiguration = {
    retryConfiguration: NO_RETRY,
    circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true } as ConstructorParameters<typeof common.CircuitBreaker>[0]),
  };
  const waf = new WafClient({ httpClient: recorder }, configuration);
  const loadBalancer = new LoadBalancerClient({ httpClient: recorder }, configuration);
  waf.regionId = options.region;
  loadBalancer.regionId = options.region;
  if (options.wafEndpoint) waf.endpoint = options.wafEndpoint;
  if (options.loadBalancerEndpoint) loadBalancer.endpoint = options.loadBalancerEndpoint;

  return {
    waf,
    loadBalancer,
    async call(operation, fn) {
      try {
        return await fn();
      } catch (err) {
        throw toOciCallError(operation, err, recorder.retryAfter);
      }
    },
  };
}

function toOciCallError(operation: string, err: unknown, retryAfter: Map<string, number>): OciCallError {
  if (err instanceof OciCallError) return err;
  if (err instanceof common.OciError || (err && typeof err === 'object' && 'statusCode' in err && 'serviceCode' in err)) {
    const e = err as common.OciError;
    const code = codeForStatus(e.statusCode);
    const recorded = e.opcRequestId ? retryAfter.get(e.opcRequestId) : undefined;
    if (e.opcRequestId) retryAfter.delete(e.opcRequestId);
    return new OciCallError(code, `${operation}: ${e.statusCode} ${e.serviceCode}: ${e.message}`, {
      httpStatus: e.statusCode, serviceCode: e.serviceCode, operation, opcRequestId: e.opcRequestId,
      ...(code === 'Throttled' || e.statusCode === 503 ? { retryAfterMs: recorded ?? DEFAULT_RETRY_AFTER_MS } : {}),
    });
  }
  // Network errors (refused, reset, DNS) are transient from the controller's point of view.
  return new OciCallError('Unavailable', `${operation}: ${err instanceof Error ? err.message : String(err)}`, { operation });
}
