/**
 * A local OCI for tests: WAF 20210930 and Load Balancer 20170115 over node:http, reached by the real
 * oci-sdk clients through `client.endpoint = fake.url`. Every request's signature is verified
 * against the trusted test keys (401 NotAuthenticated otherwise, as OCI does); faults (429 with
 * Retry-After, 5xx, 409, 412) can be injected per operation, before or after the mutation commits;
 * POSTs honour `opc-retry-token`; counts of real creates/updates/deletes are kept for assertions.
 */
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeApiError, type Route, type RouteResult } from './http-kit.ts';
import { lbRoutes } from './lb-routes.ts';
import { publicKeyFromPem, verifyRequestSignature } from './signature.ts';
import { FakeStore, newEtag, ocid, type FakeCounts } from './store.ts';
import { wafRoutes } from './waf-routes.ts';

/** One injected fault; it fires on the next `times` matching requests. */
export interface FaultRule {
  /** Operation name, e.g. `CreateWebAppFirewallPolicy`; any operation when absent. */
  readonly operation?: string;
  readonly status: number;
  /** Seconds sent in `Retry-After` (429 and 503). */
  readonly retryAfterS?: number;
  /** @default 1 */
  readonly times?: number;
  /** Apply the mutation, then answer the error: the client cannot know it worked. */
  readonly afterCommit?: boolean;
}

/** One served request, for assertions. */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly status: number;
  readonly ifMatch?: string;
  readonly retryToken?: string;
}

/** What a test sets up for a load balancer "created by the cloud controller". */
export interface FakeLoadBalancerInput {
  readonly compartmentId: string;
  readonly ipAddress: string;
  /** The cloud controller names it after the Service's UID. @default a random name */
  readonly displayName?: string;
  /** Listener protocols; a WAF needs HTTP. @default ['HTTP'] */
  readonly listenerProtocols?: readonly string[];
  /** @default 'flexible' */
  readonly shapeName?: string;
  readonly isPrivate?: boolean;
}

/** A running fake. */
export interface OciFake {
  /** Base URL to give to `client.endpoint`. */
  readonly url: string;
  readonly store: FakeStore;
  readonly counts: FakeCounts;
  readonly requests: RequestLogEntry[];
  /** Trusts a public key for a keyId (`tenancy/user/fingerprint`). */
  trustKey(keyId: string, publicKeyPem: string): void;
  /** Stops trusting a keyId (a key deleted from the user in the console). */
  distrustKey(keyId: string): void;
  inject(rule: FaultRule): void;
  clearFaults(): void;
  addLoadBalancer(input: FakeLoadBalancerInput): string;
  close(): Promise<void>;
}

const API_PREFIXES: readonly { prefix: string; routes: readonly Route[] }[] = [
  { prefix: '/20210930', routes: wafRoutes },
  { prefix: '/20170115', routes: lbRoutes },
];

interface StoredReply { readonly bodyHash: string; readonly result: RouteResult }

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: RouteResult, requestId: string): void {
  const payload = result.body === undefined ? '' : JSON.stringify(result.body);
  res.writeHead(result.status, {
    'opc-request-id': requestId,
    ...(payload ? { 'content-type': 'application/json' } : {}),
    ...result.headers,
  });
  res.end(payload);
}

function errorResult(err: FakeApiError): RouteResult {
  return { status: err.status, body: { code: err.code, message: err.message }, headers: err.headers };
}

function faultResult(rule: FaultRule): RouteResult {
  const codes: Record<number, string> = { 429: 'TooManyRequests', 409: 'Conflict', 412: 'PreconditionFailed', 500: 'InternalServerError', 503: 'ServiceUnavailable' };
  const headers = rule.retryAfterS !== undefined ? { 'retry-after': String(rule.retryAfterS) } : undefined;
  return errorResult(new FakeApiError(rule.status, codes[rule.status] ?? 'InternalServerError', 'injected by the OCI fake', headers));
}

/** Starts a fake on a free loopback port. */
export async function startOciFake(): Promise<OciFake> {
  const store = new FakeStore();
  const keys = new Map<string, KeyObject>();
  const faults: { rule: FaultRule; left: number }[] = [];
  const tokens = new Map<string, StoredReply>();
  const requests: RequestLogEntry[] = [];

  function takeFault(operation: string): FaultRule | undefined {
    const index = faults.findIndex((f) => f.left > 0 && (!f.rule.operation || f.rule.operation === operation));
    if (index < 0) return undefined;
    const fault = faults[index]!;
    fault.left -= 1;
    if (fault.left === 0) faults.splice(index, 1);
    return fault.rule;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID().replace(/-/g, '').toUpperCase();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const raw = await readBody(req);
    store.counts.requests += 1;
    const url = new URL(target, 'http://fake.invalid');
    let operation = 'Unknown';
    const log = (status: number): void => {
      const ifMatch = req.headers['if-match'];
      const retryToken = req.headers['opc-retry-token'];
      requests.push({
        method, path: url.pathname, operation, status,
        ...(typeof ifMatch === 'string' ? { ifMatch } : {}),
        ...(typeof retryToken === 'string' ? { retryToken } : {}),
      });
    };
    const reply = (result: RouteResult): void => {
      log(result.status);
      send(res, result, requestId);
    };

    const check = verifyRequestSignature({ method, target, headers: req.headers, body: raw }, keys);
    if (!check.ok) {
      store.counts.rejectedSignatures += 1;
      reply(errorResult(new FakeApiError(401, 'NotAuthenticated', `The required information to complete authentication was not provided or was incorrect (${check.reason}).`)));
      return;
    }

    const api = API_PREFIXES.find((a) => url.pathname.startsWith(`${a.prefix}/`));
    const rest = api ? url.pathname.slice(api.prefix.length) : '';
    let params: string[] = [];
    const route = api?.routes.find((r) => {
      if (r.method !== method) return false;
      const m = r.pattern.exec(rest);
      if (m) params = m.slice(1).map((p) => decodeURIComponent(p));
      return m !== null;
    });
    if (!route) {
      reply(errorResult(new FakeApiError(404, 'NotAuthorizedOrNotFound', `no route for ${method} ${url.pathname}`)));
      return;
    }
    operation = route.operation;
    store.tick();

    const fault = takeFault(operation);
    if (fault && !fault.afterCommit) {
      reply(faultResult(fault));
      return;
    }

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        reply(errorResult(new FakeApiError(400, 'InvalidParameter', 'the body is not JSON')));
        return;
      }
    }

    const token = method === 'POST' ? req.headers['opc-retry-token'] : undefined;
    const tokenKey = typeof token === 'string' ? `${method} ${url.pathname} ${token}` : undefined;
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    let result: RouteResult;
    const stored = tokenKey ? tokens.get(tokenKey) : undefined;
    if (stored) {
      // OCI replays the first answer for a repeated retry token; a different body is a conflict.
      result = stored.bodyHash === bodyHash
        ? stored.result
        : errorResult(new FakeApiError(409, 'Conflict', 'the retry token was already used with a different request'));
    } else {
      try {
        result = route.handle({ method, url, params, headers: req.headers, body, store });
        if (tokenKey && result.status < 300) tokens.set(tokenKey, { bodyHash, result });
      } catch (err) {
        if (!(err instanceof FakeApiError)) throw err;
        result = errorResult(err);
      }
    }
    reply(fault ? faultResult(fault) : result);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'InternalServerError', message: err instanceof Error ? err.message : String(err) }));
    });
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    store,
    counts: store.counts,
    requests,
    trustKey(keyId, publicKeyPem) {
      keys.set(keyId, publicKeyFromPem(publicKeyPem));
    },
    distrustKey(keyId) {
      keys.delete(keyId);
    },
    inject(rule) {
      faults.push({ rule, left: rule.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    addLoadBalancer(input) {
      const id = ocid('loadbalancer');
      const listeners = Object.fromEntries((input.listenerProtocols ?? ['HTTP']).map((protocol, i) => [
        `listener-${i}`, { name: `listener-${i}`, defaultBackendSetName: 'backend', port: protocol === 'HTTP' ? 80 + i : 443 + i, protocol },
      ]));
      store.loadBalancers.set(id, {
        id, etag: newEtag(),
        data: {
          compartmentId: input.compartmentId, displayName: input.displayName ?? `lb-${id.slice(-8)}`, lifecycleState: 'ACTIVE',
          timeCreated: new Date().toISOString(), ipAddresses: [{ ipAddress: input.ipAddress, isPublic: !input.isPrivate }],
          shapeName: input.shapeName ?? 'flexible', shapeDetails: { minimumBandwidthInMbps: 10, maximumBandwidthInMbps: 100 },
          isPrivate: input.isPrivate ?? false, listeners, freeformTags: {}, definedTags: {}, systemTags: {},
        },
      });
      const wrId = ocid('loadbalancerworkrequest');
      store.lbWorkRequests.set(wrId, {
        id: wrId, loadBalancerId: id, type: 'CreateLoadBalancer', compartmentId: input.compartmentId, lifecycleState: 'SUCCEEDED',
        message: 'created by the cloud controller (test)', timeAccepted: new Date().toISOString(), timeFinished: new Date().toISOString(), errorDetails: [],
      });
      return id;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
