/**
 * Fixtures for the gateway's integration tests: an echo upstream, a JWKS endpoint with rotating
 * keys, and a gateway built from a config document on free loopback ports.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { Health, createLogger, createMetrics } from '../../../services/kit/index.ts';
import { parseGatewayConfig, type GatewayConfigInput } from '../../../services/gateway/config/schema.ts';
import { createMemoryRateLimiter } from '../../../services/gateway/edge/memory-rate-limiter.ts';
import type { RateLimiter } from '../../../services/gateway/edge/rate-limiter.ts';
import { createTokenVerifier, type TokenVerifier } from '../../../services/gateway/edge/token-verifier.ts';
import { createGateway, type Gateway } from '../../../services/gateway/gateway.ts';

export const ISSUER = 'vitrine-identity';
export const AUDIENCE = 'vitrine';

/** Starts a server on a free loopback port. */
export async function listenLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes a server and its kept-alive sockets. */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** An upstream that answers with what it received; `behaviour` can make it fail or hang. */
export interface EchoUpstream {
  readonly url: string;
  readonly server: Server;
  requests: number;
  behaviour: (req: IncomingMessage, res: ServerResponse, body: string) => boolean;
  close(): Promise<void>;
}

/** Starts an echo upstream. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  const upstream: EchoUpstream = {
    url: '', requests: 0, behaviour: () => false, server: createServer(), close: () => closeServer(upstream.server),
  };
  upstream.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    upstream.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (upstream.behaviour(req, res, body)) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  (upstream as { url: string }).url = await listenLoopback(upstream.server);
  return upstream;
}

/** A JWKS endpoint whose key can be rotated, and a token signer. */
export interface KeyServer {
  readonly url: string;
  fetches: number;
  rotate(): Promise<void>;
  sign(subject: string, roles?: string[]): Promise<string>;
  close(): Promise<void>;
}

/** Starts a JWKS endpoint with one ES256 key. */
export async function startKeyServer(): Promise<KeyServer> {
  let current: { kid: string; privateKey: CryptoKey; jwk: JWK } | undefined;
  let generation = 0;
  const makeKey = async (): Promise<void> => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const kid = `key-${++generation}`;
    current = { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  };
  await makeKey();
  const server = createServer((_req, res) => {
    ks.fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [current?.jwk] }));
  });
  const ks: KeyServer = {
    url: '', fetches: 0,
    rotate: makeKey,
    async sign(subject, roles = ['customer']) {
      const key = current as NonNullable<typeof current>;
      return new SignJWT({ roles }).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setSubject(subject)
        .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(key.privateKey);
    },
    close: () => closeServer(server),
  };
  (ks as { url: string }).url = `${await listenLoopback(server)}/.well-known/jwks.json`;
  return ks;
}

/** A started gateway and what it was built with. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly url: string;
  close(): Promise<void>;
}

/** Builds and starts a gateway on a free port. */
export async function startGateway(
  config: GatewayConfigInput,
  deps: { limiter?: RateLimiter; verifier?: TokenVerifier; jwksUrl?: string } = {},
): Promise<TestGateway> {
  const gateway = createGateway({
    config: parseGatewayConfig(config),
    log: createLogger({ name: 'gateway-test', level: 'silent' }),
    metrics: createMetrics('gateway', { defaultMetrics: false }),
    health: new Health(),
    limiter: deps.limiter ?? createMemoryRateLimiter(),
    verifier: deps.verifier ?? createTokenVerifier({
      jwksUrl: deps.jwksUrl ?? 'http://127.0.0.1:9/none', issuer: ISSUER, audience: AUDIENCE, cooldownMs: 0,
    }),
  });
  const port = await gateway.listen(0, '127.0.0.1');
  return { gateway, url: `http://127.0.0.1:${port}`, close: () => gateway.close() };
}
