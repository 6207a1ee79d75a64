/**
 * A small REST client for the Kubernetes API on top of @kubernetes/client-node's KubeConfig
 * (authentication, TLS) and undici: every call goes through one client-side rate limit, is
 * counted in `rest_client_requests_total`, and fails with a typed `KubeApiError`.
 *
 * Connections are pooled. client-node builds a new undici Agent (a new connection pool) each time
 * it authenticates a request, so using its dispatcher per call opens a fresh TLS connection for
 * every request and leaves it idling until its keep-alive ends. Here the credentials are taken
 * from the KubeConfig once a minute (client-go re-reads a ServiceAccount token file as often), or
 * at once after a 401, and one dispatcher is kept for as long as the TLS material stays the same.
 */
import { createHash } from 'node:crypto';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import { KubeConfig, RequestContext, type HttpMethod, type KubernetesObject } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';
import { KubeApiError } from './errors.ts';
import { TokenBucket } from './rate-limiter.ts';
import { apiVersionOf, resourcePath, type ResourceType } from './resources.ts';

/** The field manager of every server-side apply the operator makes. */
export const FIELD_MANAGER = 'vitrine-operator';

/** Options of a `KubeClient`. */
export interface KubeClientOptions {
  /** Requests per second (client-go's QPS). @default 500 */
  readonly qps?: number;
  /** Burst size. @default 1000 */
  readonly burst?: number;
  /** Called once per finished request (metrics). */
  readonly onRequest?: (method: string, code: number, seconds: number) => void;
  /** Per-request timeout in ms, except watches. @default 30000 */
  readonly timeoutMs?: number;
}

/** A list answer. */
export interface ObjectList<T> {
  items: T[];
  metadata: { resourceVersion?: string; continue?: string };
}

interface RequestOptions {
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Do not rate-limit (the leader-election lease must renew even under load). */
  readonly unlimited?: boolean;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** How long credentials taken from the KubeConfig are used before they are taken again. */
const CREDENTIALS_TTL_MS = 60_000;

/** Credentials and the pooled dispatcher of one period. */
interface Session {
  readonly headers: Record<string, string>;
  readonly dispatcher: Dispatcher | undefined;
  /** Fingerprint of the TLS material (CA, client certificate and key) the dispatcher was made with. */
  readonly tls: string;
  readonly expiresAt: number;
}

function fingerprint(o: HttpsRequestOptions): string {
  const h = createHash('sha256');
  for (const part of [o.ca, o.cert, o.key, o.servername, o.rejectUnauthorized]) h.update(String(part ?? '')).update('\0');
  return h.digest('hex');
}

/** A rate-limited Kubernetes REST client. */
export class KubeClient {
  private readonly limiter: TokenBucket;
  private readonly server: string;
  /**
   * Write calls made so far (POST, PUT, PATCH, DELETE) other than leader-election lease renewals,
   * for tests and the idle-write check.
   */
  writes = 0;
  /** Writes to coordination.k8s.io Leases (leader election renews every few seconds). */
  leaseWrites = 0;
  /** Times the credentials and TLS settings were taken from the KubeConfig (tests). */
  authRefreshes = 0;
  /** Connections the pooled dispatcher opened (tests: calls share connections). */
  connectionsOpened = 0;
  /** The credentials in use; replaced when they expire. */
  private session: Session | undefined;
  /** A renewal under way, shared by the callers that wait for it. */
  private renewing: Promise<Session> | undefined;

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly opts: KubeClientOptions = {},
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/$/, '');
    this.limiter = new TokenBucket(opts.qps ?? 500, opts.burst ?? 1000);
  }

  /** The current credentials and dispatcher, taken again from the KubeConfig once they expire. */
  private credentials(): Session | Promise<Session> {
    const current = this.session;
    if (current !== undefined && Date.now() < current.expiresAt) return current;
    this.renewing ??= this.renewSession(current).finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renewSession(previous: Session | undefined): Promise<Session> {
    const ctx = new RequestContext(`${this.server}/`, 'GET' as HttpMethod);
    await this.kubeConfig.applySecurityAuthentication(ctx);
    const tlsOptions: HttpsRequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(tlsOptions);
    const tls = fingerprint(tlsOptions);
    const fresh = ctx.getDispatcher() as Dispatcher | undefined;
    let dispatcher = fresh;
    if (previous !== undefined && previous.tls === tls) {
      // Same TLS material: keep the pool and its open connections; the new agent never connected.
      dispatcher = previous.dispatcher;
      if (fresh !== previous.dispatcher) void fresh?.close().catch(() => undefined);
    } else {
      dispatcher?.on('connect', () => (this.connectionsOpened += 1));
      // Rotated certificates: new connections from now on; the old pool closes after its requests.
      if (previous?.dispatcher !== undefined) void previous.dispatcher.close().catch(() => undefined);
    }
    this.authRefreshes += 1;
    this.session = { headers: ctx.getHeaders(), dispatcher, tls, expiresAt: Date.now() + CREDENTIALS_TTL_MS };
    return this.session;
  }

  /** Forgets the credentials (after a 401) so that the next call takes them again. */
  private expireCredentials(): void {
    if (this.session !== undefined) this.session = { ...this.session, expiresAt: 0 };
  }

  /** Closes the pooled connections (the client is not used after). */
  async close(): Promise<void> {
    await this.renewing?.catch(() => undefined);
    const s = this.session;
    this.session = undefined;
    await s?.dispatcher?.close().catch(() => undefined);
  }

  /** Makes one call and returns the raw response (used for watches, whose body is a stream). */
  async raw(method: string, path: string, o: RequestOptions = {}): Promise<{ status: number; body: ReadableStream<Uint8Array> | null; text(): Promise<string> }> {
    if (!o.unlimited) await this.limiter.take();
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const session = await this.credentials();
    const headers: Record<string, string> = { ...session.headers, accept: 'application/json' };
    let body: string | undefined;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = o.contentType ?? 'application/json';
    }
    if (WRITE_METHODS.has(method)) {
      if (path.startsWith('/apis/coordination.k8s.io/')) this.leaseWrites += 1;
      else this.writes += 1;
    }
    const started = performance.now();
    const res = await fetch(url, {
      method,
      headers,
      body,
      dispatcher: session.dispatcher,
      signal: o.signal,
    });
    if (res.status === 401) this.expireCredentials();
    this.opts.onRequest?.(method, res.status, (performance.now() - started) / 1000);
    return { status: res.status, body: res.body as ReadableStream<Uint8Array> | null, text: () => res.text() };
  }

  /** Makes one call and parses the JSON answer; a non-2xx answer throws `KubeApiError`. */
  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const signal = o.signal ?? AbortSignal.timeout(this.opts.timeoutMs ?? 30_000);
    const res = await this.raw(method, path, { ...o, signal });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) return (text ? JSON.parse(text) : {}) as T;
    let reason = 'Unknown';
    let message = text.slice(0, 2000);
    try {
      const status = JSON.parse(text) as { reason?: string; message?: string };
      reason = status.reason ?? reason;
      message = status.message ?? message;
    } catch {
      // Not a Status object (a proxy's answer): keep the text.
    }
    throw new KubeApiError(res.status, reason, message, method, path);
  }

  /** Reads one object. */
  get<T extends KubernetesObject>(rt: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>('GET', resourcePath(rt, namespace, name));
  }

  /** Lists one page; `apiVersion` and `kind` are filled in on every item (the API leaves them out). */
  async list<T extends KubernetesObject>(
    rt: ResourceType,
    namespace?: string,
    query: Record<string, string | number | undefined> = {},
  ): Promise<ObjectList<T>> {
    const list = await this.request<ObjectList<T>>('GET', resourcePath(rt, namespace), { query });
    for (const item of list.items) {
      item.apiVersion = apiVersionOf(rt);
      item.kind = rt.kind;
    }
    return list;
  }

  /** Creates an object. */
  create<T extends KubernetesObject>(rt: ResourceType, obj: T): Promise<T> {
    return this.request<T>('POST', resourcePath(rt, obj.metadata?.namespace), { body: obj });
  }

  /** Replaces an object (optimistic concurrency through metadata.resourceVersion). */
  replace<T extends KubernetesObject>(rt: ResourceType, obj: T, o: { unlimited?: boolean } = {}): Promise<T> {
    return this.request<T>('PUT', resourcePath(rt, obj.metadata?.namespace, obj.metadata?.name), { body: obj, unlimited: o.unlimited });
  }

  /**
   * Server-side apply of `obj` with the field manager `vitrine-operator`, forcing conflicts
   * (the operator is the authority for the fields it sets). `subresource` "status" applies status.
   */
  apply<T extends KubernetesObject>(rt: ResourceType, obj: KubernetesObject, subresource?: string): Promise<T> {
    return this.request<T>('PATCH', resourcePath(rt, obj.metadata?.namespace, obj.metadata?.name, subresource), {
      body: obj,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: FIELD_MANAGER, force: true },
    });
  }

  /** A JSON merge patch (used for small edits such as removing a finalizer). */
  mergePatch<T extends KubernetesObject>(rt: ResourceType, namespace: string | undefined, name: string, patch: unknown, subresource?: string): Promise<T> {
    return this.request<T>('PATCH', resourcePath(rt, namespace, name, subresource), {
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  /** Deletes an object; 404 counts as done. With `uid`, only that incarnation is deleted. */
  async delete(rt: ResourceType, namespace: string | undefined, name: string, uid?: string): Promise<boolean> {
    try {
      const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };
      if (uid) body.preconditions = { uid };
      await this.request('DELETE', resourcePath(rt, namespace, name), { body });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && (err.notFound || (uid && err.conflict))) return false;
      throw err;
    }
  }

  /** True when the API server serves the resource (used to find out whether KEDA is installed). */
  async serves(rt: ResourceType): Promise<boolean> {
    const path = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
    try {
      const list = await this.request<{ resources?: { name: string }[] }>('GET', path);
      return (list.resources ?? []).some((r) => r.name === rt.plural);
    } catch (err) {
      if (err instanceof KubeApiError && err.notFound) return false;
      throw err;
    }
  }
}

/** Loads a KubeConfig from `path`, or from KUBECONFIG / in-cluster defaults. */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}
