/**
 * Token negative cases (issue 4): every forged, expired or misused token is a 401 problem, both at
 * identity's own protected route and at a service that verifies through identity's JWKS (cart).
 * Real PostgreSQL and Redis.
 */
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { http, rsaSigningKey, signUp, startStack, type Stack } from './stack.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('identity: token negative cases (real PostgreSQL + Redis)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let user: Awaited<ReturnType<typeof signUp>>;
  let kid: string;
  const key = rsaSigningKey();
  const cases: [string, () => Promise<string>][] = [];

  /** Signs claims with identity's own key (so only the claim under test is wrong). */
  const signWithIdentityKey = (claims: Record<string, unknown>, mutate: (j: SignJWT) => SignJWT) =>
    mutate(new SignJWT({ roles: ['customer'], ...claims }).setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' }).setSubject(user.id)).sign(
      createPrivateKey(key.privatePem),
    );

  before(async () => {
    stack = await startStack({ cart: true, seed: false, identityEnv: { IDENTITY_SIGNING_KEY: key.privatePem } });
    user = await signUp(stack.urls.identity);
    const jwks = await http('GET', `${stack.urls.identity}/.well-known/jwks.json`);
    kid = String((jwks.body.keys as { kid: string }[])[0]?.kid);
    const now = Math.floor(Date.now() / 1000);
    const [header, payload] = user.accessToken.split('.');
    cases.push(
      ['alg: none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`],
      [
        'algorithm confusion (HS256 keyed with the public key)',
        async () => {
          const h = b64({ alg: 'HS256', kid, typ: 'JWT' });
          const sig = createHmac('sha256', key.publicPem).update(`${h}.${payload}`).digest('base64url');
          return `${h}.${payload}.${sig}`;
        },
      ],
      [
        'wrong key (same kid)',
        async () => {
          const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
          return new SignJWT({ roles: ['customer'] })
            .setProtectedHeader({ alg: 'RS256', kid })
            .setSubject(user.id)
            .setIssuer('vitrine-identity')
            .setAudience('vitrine')
            .setJti('x')
            .setIssuedAt()
            .setExpirationTime('10m')
            .sign(other);
        },
      ],
      ['expired', () => signWithIdentityKey({ jti: 'e1' }, (j) => j.setIssuer('vitrine-identity').setAudience('vitrine').setIssuedAt(now - 3600).setExpirationTime(now - 600))],
      ['wrong aud', () => signWithIdentityKey({ jti: 'a1' }, (j) => j.setIssuer('vitrine-identity').setAudience('someone-else').setIssuedAt().setExpirationTime('10m'))],
      ['wrong iss', () => signWithIdentityKey({ jti: 'i1' }, (j) => j.setIssuer('evil-identity').setAudience('vitrine').setIssuedAt().setExpirationTime('10m'))],
      [
        'tampered payload (roles: admin)',
        async () => {
          const claims = JSON.parse(Buffer.from(String(payload), 'base64url').toString()) as Record<string, unknown>;
          const signature = user.accessToken.split('.')[2];
          return `${header}.${b64({ ...claims, roles: ['customer', 'admin'] })}.${signature}`;
        },
      ],
      ['refresh token used as access token', async () => user.refreshToken],
    );
  });
  after(() => stack?.stop());

  it('accepts the genuine access token (control)', async () => {
    assert.equal((await http('GET', `${stack.urls.identity}/api/identity/me`, { token: user.accessToken })).status, 200);
    assert.equal((await http('GET', `${stack.urls.cart}/api/cart`, { token: user.accessToken })).status, 200);
  });

  it('signs RS256 access tokens with kid, iss, aud, sub, roles, jti and a 15-minute lifetime', async () => {
    const [h, p] = user.accessToken.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(String(part), 'base64url').toString()) as Record<string, unknown>);
    assert.deepEqual({ alg: h?.alg, kid: h?.kid, typ: h?.typ }, { alg: 'RS256', kid, typ: 'at+jwt' });
    assert.equal(p?.iss, 'vitrine-identity');
    assert.equal(p?.aud, 'vitrine');
    assert.equal(p?.sub, user.id);
    assert.deepEqual(p?.roles, ['customer']);
    assert.equal(Number(p?.exp) - Number(p?.iat), 900);
    assert.equal(typeof p?.jti, 'string');
  });

  it('answers 401 problem+json for every forged or misused access token, at identity and at cart', async () => {
    assert.equal(cases.length, 8);
    const failures: string[] = [];
    for (const [name, make] of cases) {
      const token = await make();
      for (const url of [`${stack.urls.identity}/api/identity/me`, `${stack.urls.cart}/api/cart`]) {
        const res = await http('GET', url, { token });
        const type = res.headers.get('content-type') ?? '';
        if (res.status !== 401 || !type.startsWith('application/problem+json')) failures.push(`${name} at ${url}: ${res.status} ${type}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('answers 401 when an access token is used as a refresh token', async () => {
    const res = await http('POST', `${stack.urls.identity}/api/identity/refresh`, { body: { refreshToken: user.accessToken } });
    assert.equal(res.status, 401);
    assert.equal(res.body.code, 'invalid_refresh_token');
  });

  it('revokes the access token on logout (jti kept in Redis until expiry)', async () => {
    const other = await signUp(stack.urls.identity);
    const out = await http('POST', `${stack.urls.identity}/api/identity/logout`, { token: other.accessToken, body: { refreshToken: other.refreshToken } });
    assert.equal(out.status, 204);
    const me = await http('GET', `${stack.urls.identity}/api/identity/me`, { token: other.accessToken });
    assert.equal(me.status, 401);
    assert.equal(me.body.code, 'token_revoked');
    const jti = (JSON.parse(Buffer.from(String(other.accessToken.split('.')[1]), 'base64url').toString()) as { jti: string }).jti;
    const ttl = await stack.redis.pttl(`${stack.names.identity}:revoked:${jti}`);
    assert.ok(ttl > 800_000 && ttl <= 900_000, `revocation TTL ${ttl} ms should last until the token expires`);
    const refresh = await http('POST', `${stack.urls.identity}/api/identity/refresh`, { body: { refreshToken: other.refreshToken } });
    assert.equal(refresh.status, 401, 'logout revokes the refresh family too');
  });
});
