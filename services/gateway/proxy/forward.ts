/**
 * Forwarding one request to an upstream: hop-by-hop headers removed, X-Forwarded-* set, the
 * response streamed back as it arrives. Idempotent requests are retried after a connection error or
 * a 502/503/504 (never after a timeout, which would multiply the wait); the circuit breaker sees
 * every outcome and fails fast while the upstream is down.
 *
 * It sits on undici's dispatcher handler API rather than `request()`/`stream()`: the upstream's
 * chunks go straight to the client socket, with backpressure through the controller, and the
 * answer's head is written once — upstream headers plus the gateway's own (correlation id, rate
 * limits) in one flat list, so Node builds the head in a single pass instead of merging headers set
 * one by one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { gatewayErrors } from '../http/errors.ts';
import type { Upstream } from './upstreams.ts';

// RFC 9110 §7.6.1 connection-specific fields, plus `expect` (undici refuses it) and `host` handled apart.
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'proxy-authorization', 'proxy-authenticate', 'expect',
]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);
const RETRYABLE_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);
const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const RETRY_BACKOFF_MS = 25;

/** What the forwarder needs besides the upstream. */
export interface ForwardInput {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path and query to request upstream. */
  readonly path: string;
  /** Buffered body (when the WAF read it), or undefined to stream `req` through. */
  readonly body: Buffer | undefined;
  readonly clientAddress: string;
  /** The X-Forwarded-For chain believed (already filtered by trusted proxies). */
  readonly forwardedFor: readonly string[];
  readonly correlationId: string;
  readonly proto: string;
  /** The gateway's own answer headers as a flat `[name, value, …]` list, added to the upstream's. */
  readonly answerHeaders?: readonly string[];
}

/** Request headers for the upstream, as a flat `[name, value, …]` list. */
export function upstreamHeaders(input: ForwardInput): string[] {
  const source = input.req.headers;
  const connection = source.connection;
  const connectionTokens = connection === undefined || connection === 'keep-alive' || connection === 'close'
    ? undefined
    : new Set(connection.toLowerCase().split(',').map((s) => s.trim()));
  const out: string[] = [];
  for (const name in source) {
    const value = source[name];
    if (value === undefined || HOP_BY_HOP.has(name) || connectionTokens?.has(name) === true) continue;
    // Set below from what the gateway believes, not from what the client claims.
    if (name.startsWith('x-forwarded-') || name === 'forwarded' || name === 'x-correlation-id') continue;
    if (name === 'content-length' && input.body !== undefined) continue;
    if (typeof value === 'string') out.push(name, value);
    else for (const v of value) out.push(name, v);
  }
  out.push('x-forwarded-for', input.forwardedFor.length === 0 ? input.clientAddress : `${input.forwardedFor.join(', ')}, ${input.clientAddress}`);
  out.push('x-forwarded-proto', input.proto);
  if (source.host !== undefined) out.push('x-forwarded-host', source.host);
  out.push('x-correlation-id', input.correlationId);
  if (input.body !== undefined) out.push('content-length', String(input.body.length));
  return out;
}

function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code ?? '';
}

/** Whether the gateway sets this answer header itself (its value replaces the upstream's). */
function isOwn(own: readonly string[], name: string): boolean {
  for (let i = 0; i < own.length; i += 2) if (own[i] === name) return true;
  return false;
}

/** The outcome of one attempt: the status answered, or a retryable one swallowed for another try. */
interface Attempt { readonly status: number; readonly retry: boolean }

/** The dispatcher handler of one attempt: streams the upstream's answer into the client response. */
class ProxyAttempt implements Dispatcher.DispatchHandler {
  private status = 0;
  private discarding = false;
  private controller: Dispatcher.DispatchController | undefined;
  private waitingForDrain = false;
  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.controller?.resume();
  };
  private readonly onClientGone = (): void => {
    if (!this.input.res.writableFinished) this.controller?.abort(Object.assign(new Error('client closed the connection'), { code: 'CLIENT_GONE' }));
  };

  constructor(
    private readonly upstream: Upstream,
    private readonly input: ForwardInput,
    private readonly canRetry: boolean,
    private readonly resolve: (attempt: Attempt) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.input.res.once('close', this.onClientGone);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    if (RETRYABLE_STATUS.has(statusCode)) {
      this.upstream.breaker.onFailure();
      if (this.canRetry) {
        this.discarding = true; // swallow this answer; the caller tries again
        return;
      }
    } else {
      this.upstream.breaker.onSuccess();
    }
    const own = this.input.answerHeaders;
    const head: string[] = [];
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || HOP_BY_HOP.has(name) || (own !== undefined && isOwn(own, name))) continue;
      if (typeof value === 'string') head.push(name, value);
      else for (const v of value) head.push(name, v);
    }
    if (own !== undefined) for (const h of own) head.push(h);
    this.input.res.writeHead(statusCode, head);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.discarding) return;
    // Chunks already parsed may still arrive after pause(): one drain listener is enough.
    if (!this.input.res.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      controller.pause();
      this.input.res.once('drain', this.onDrain);
    }
  }

  onResponseEnd(): void {
    this.input.res.off('close', this.onClientGone);
    if (this.discarding) {
      this.resolve({ status: this.status, retry: true });
      return;
    }
    this.input.res.end();
    this.resolve({ status: this.status, retry: false });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.input.res.off('close', this.onClientGone);
    this.input.res.off('drain', this.onDrain);
    if (errorCode(err) === 'CLIENT_GONE') {
      this.resolve({ status: 499, retry: false }); // the client left; nothing to answer
      return;
    }
    // Failed mid-answer: the head is out, so the caller can only drop the connection.
    if (this.status !== 0 && !this.discarding) {
      this.input.res.destroy(err);
      this.resolve({ status: this.status, retry: false });
      return;
    }
    this.reject(err);
  }
}

/** Forwards and streams the answer; resolves with the upstream status once the body is sent. */
export async function forward(upstream: Upstream, input: ForwardInput): Promise<number> {
  const method = (input.req.method ?? 'GET').toUpperCase();
  // A streamed body cannot be replayed, so only buffered or empty bodies are retried.
  const canRetry = IDEMPOTENT.has(method) && (input.body !== undefined || method === 'GET' || method === 'HEAD');
  const attempts = 1 + (canRetry ? upstream.config.retries : 0);
  const options: Dispatcher.DispatchOptions = {
    path: input.path,
    method: method as Dispatcher.HttpMethod,
    headers: upstreamHeaders(input),
    body: input.body ?? (method === 'GET' || method === 'HEAD' ? undefined : input.req),
  };
  for (let attempt = 1; ; attempt++) {
    if (!upstream.breaker.tryAcquire()) {
      throw gatewayErrors.upstream_unavailable(`circuit open for ${upstream.name}`, {
        retryAfterSeconds: Math.ceil(upstream.breaker.retryAfterMs() / 1000),
      });
    }
    let outcome: Attempt;
    try {
      outcome = await new Promise<Attempt>((resolve, reject) => {
        upstream.pool.dispatch(options, new ProxyAttempt(upstream, input, attempt < attempts, resolve, reject));
      });
    } catch (err) {
      upstream.breaker.onFailure();
      const code = errorCode(err);
      if (TIMEOUT_ERRORS.has(code)) throw gatewayErrors.upstream_timeout(`${upstream.name} did not answer in time`, {}, { cause: err });
      if (attempt < attempts && RETRYABLE_ERRORS.has(code)) {
        await sleep(RETRY_BACKOFF_MS * attempt);
        continue;
      }
      throw gatewayErrors.bad_gateway(`${upstream.name} unreachable`, {}, { cause: err });
    }
    if (!outcome.retry) return outcome.status;
    await sleep(RETRY_BACKOFF_MS * attempt);
  }
}
