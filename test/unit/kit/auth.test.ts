import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import {
  createApp,
  createAuth,
  createLogger,
  createMetrics,
  finishApp,
  Health,
  listen,
  type Auth,
  type HttpServer,
} from '../../../services/kit/index.ts';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('kit auth (jose, JWKS)', () => {
  let jwks: JSONWebKeySet;
  let privateKey: PrivateKey;
  let otherKey: PrivateKey;
  let auth: Auth;

  const token = (claims: Record<string, unknown>, opts: { key?: PrivateKey; exp?: string; iss?: string; aud?: string; sub?: string | null } = {}) => {
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuedAt()
      .setIssuer(opts.iss ?? 'vitrine-identity')
      .setAudience(opts.aud ?? 'vitrine')
      .setExpirationTime(opts.exp ?? '15m');
    if (opts.sub !== null) jwt = jwt.setSubject(opts.sub ?? 'user-1');
    return jwt.sign(opts.key ?? privateKey);
  };

  before(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
    auth = createAuth({ jwks, issuer: 'vitrine-identity', audience: 'vitrine' });
  });

  it('verifies a token and reads subject and roles', async () => {
    const p = await auth.verify(await token({ roles: ['customer', 'admin', 7] }));
    assert.equal(p.subject, 'user-1');
    assert.deepEqual(p.roles, ['customer', 'admin']);
  });

  it('rejects a wrong signature, issuer, audience, expiry or missing subject with 401', async () => {
    const cases = [
      await token({}, { key: otherKey }),
      await token({}, { iss: 'someone-else' }),
      await token({}, { aud: 'other-api' }),
      await token({}, { exp: '-5m' }),
      await token({}, { sub: null }),
      'not.a.token',
    ];
    for (const t of cases) {
      await assert.rejects(auth.verify(t), (err: { status?: number }) => err.status === 401);
    }
  });

  it('fetches keys from a JWKS URL', async () => {
    const server: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const remote = createAuth({ jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`, issuer: 'vitrine-identity', audience: 'vitrine' });
      assert.equal((await remote.verify(await token({}))).subject, 'user-1');
    } finally {
      server.close();
    }
  });

  it('requires exactly one key source', () => {
    assert.throws(() => createAuth({ issuer: 'i', audience: 'a' }), /exactly one/);
  });

  describe('middleware', () => {
    let server: HttpServer;
    let base: string;
    before(async () => {
      const log = createLogger({ name: 'auth-test', level: 'silent' });
      const app = createApp({ log, metrics: createMetrics('auth-test', { defaultMetrics: false }), health: new Health() });
      app.get('/me', auth.authenticate(), (req, res) => {
        res.json({ subject: req.principal?.subject });
      });
      app.get('/admin', auth.authenticate(), auth.requireRoles('admin'), (_req, res) => {
        res.json({ ok: true });
      });
      app.get('/maybe', auth.optional(), (req, res) => {
        res.json({ subject: req.principal?.subject ?? null });
      });
      finishApp(app, log);
      server = await listen(app, 0, '127.0.0.1');
      base = `http://127.0.0.1:${server.port}`;
    });
    after(() => server.close(1000));

    const get = async (path: string, bearer?: string) => {
      const res = await fetch(`${base}${path}`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    it('401 without or with a bad token, 200 with a good one', async () => {
      assert.equal((await get('/me')).status, 401);
      assert.equal((await get('/me', 'garbage')).status, 401);
      assert.deepEqual(await get('/me', await token({})), { status: 200, body: { subject: 'user-1' } });
    });

    it('403 without the role, 200 with it', async () => {
      const denied = await get('/admin', await token({ roles: ['customer'] }));
      assert.equal(denied.status, 403);
      assert.equal(denied.body.code, 'forbidden');
      assert.equal((await get('/admin', await token({ roles: ['admin'] }))).status, 200);
    });

    it('optional lets anonymous callers through but not bad tokens', async () => {
      assert.deepEqual(await get('/maybe'), { status: 200, body: { subject: null } });
      assert.equal((await get('/maybe', await token({}, { key: otherKey }))).status, 401);
    });
  });
});
