/**
 * Forwarding one request to an upstream: hop-by-hop headers removed, X-Forwarded-* set, the
 * response streamed back as it arrives. Idempotent requests are retried after a connection error or
 * a 502/503/504 (never after a timeout, which would multiply the wait); the circuit breaker sees
 * every outcome and fails fast while the upstream is down.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
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
}

/** Request headers for the upstream. */
export function upstreamHeaders(input: ForwardInput): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const connectionTokens = new Set(String(input.req.headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim()));
  for (const [name, value] of Object.entries(input.req.headers as IncomingHttpHeaders)) {
    if (value === undefined || HOP_BY_HOP.has(name) || connectionTokens.has(name)) continue;
    if (name.startsWith('x-forwarded-') || name === 'forwarded') continue;
    headers[name] = value;
  }
  headers['x-forwarded-for'] = [...input.forwardedFor, input.clientAddress].join(', ');
  headers['x-forwarded-proto'] = input.proto;
  if (input.req.headers.host !== undefined) headers['x-forwarded-host'] = input.req.headers.host;
  headers['x-correlation-id'] = input.correlationId;
  if (input.body !== undefined) headers['content-length'] = String(input.body.length);
  return headers;
}

function responseHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
    out[name] = value;
  }
  return out;
}

function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code ?? '';
}

// Swallows the body of an answer that is going to be retried.
const discard = (): Writable => new Writable({ write: (_chunk, _enc, done) => done() });

/** Forwards and streams the answer; resolves with the upstream status once the body is sent. */
export async function forward(upstream: Upstream, input: ForwardInput): Promise<number> {
  const method = (input.req.method ?? 'GET').toUpperCase();
  // A streamed body cannot be replayed, so only buffered or empty bodies are retried.
  const canRetry = IDEMPOTENT.has(method) && (input.body !== undefined || method === 'GET' || method === 'HEAD');
  const attempts = 1 + (canRetry ? upstream.config.retries : 0);
  for (let attempt = 1; ; attempt++) {
    if (!upstream.breaker.tryAcquire()) {
      throw gatewayErrors.upstream_unavailable(`circuit open for ${upstream.name}`, {
        retryAfterSeconds: Math.ceil(upstream.breaker.retryAfterMs() / 1000),
      });
    }
    let status = 0;
    let retry = false;
    try {
      // undici's stream() writes the upstream body straight into the client response (no
      // intermediate Readable); it ends the response, and a client that leaves aborts the request.
      await upstream.pool.stream(
        {
          path: input.path,
          method: method as Dispatcher.HttpMethod,
          headers: upstreamHeaders(input),
          body: input.body ?? (method === 'GET' || method === 'HEAD' ? undefined : input.req),
        },
        ({ statusCode, headers }) => {
          status = statusCode;
          if (RETRYABLE_STATUS.has(statusCode)) {
            upstream.breaker.onFailure();
            if (attempt < attempts) {
              retry = true;
              return discard();
            }
          } else {
            upstream.breaker.onSuccess();
          }
          input.res.writeHead(statusCode, responseHeaders(headers));
          return input.res;
        },
      );
    } catch (err) {
      if (input.res.destroyed && errorCode(err) === 'ERR_STREAM_PREMATURE_CLOSE') return 499; // the client left
      if (status !== 0 && !retry) throw err; // failed mid-answer: the caller can only drop the connection
      upstream.breaker.onFailure();
      const code = errorCode(err);
      if (TIMEOUT_ERRORS.has(code)) throw gatewayErrors.upstream_timeout(`${upstream.name} did not answer in time`, {}, { cause: err });
      if (attempt < attempts && RETRYABLE_ERRORS.has(code)) {
        await sleep(RETRY_BACKOFF_MS * attempt);
        continue;
      }
      throw gatewayErrors.bad_gateway(`${upstream.name} unreachable`, {}, { cause: err });
    }
    if (!retry) return status;
    await sleep(RETRY_BACKOFF_MS * attempt);
  }
}
