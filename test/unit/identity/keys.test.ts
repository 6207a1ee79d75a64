/**
 * Signing keys: generated for dev, loaded from PEM or JWK, refused when unusable (with a message
 * that names the variable and never echoes the key); access tokens verify against the JWKS.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { jwksOf, loadSigningKey, parsePreviousKeys, SigningKeyError } from '../../../services/identity/domain/keys.ts';
import { issueAccessToken, hashRefreshToken, newRefreshToken } from '../../../services/identity/domain/tokens.ts';

describe('identity signing keys', () => {
  it('generates an Ed25519 key with a thumbprint kid when none is configured', async () => {
    const key = await loadSigningKey(undefined);
    assert.equal(key.alg, 'EdDSA');
    assert.equal(key.generated, true);
    assert.match(key.kid, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(Object.keys(key.publicJwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    assert.equal('d' in key.publicJwk, false, 'no private part in the JWKS');
  });

  it('loads an RSA PKCS#8 PEM (also with literal \\n) as RS256', async () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const key = await loadSigningKey(pem.replaceAll('\n', '\\n'));
    assert.equal(key.alg, 'RS256');
    assert.equal(key.generated, false);
    assert.equal(key.publicJwk.kty, 'RSA');
  });

  it('loads a private EC JWK as ES256 and keeps its kid', async () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const key = await loadSigningKey(JSON.stringify({ ...jwk, kid: 'k-2026' }));
    assert.equal(key.alg, 'ES256');
    assert.equal(key.kid, 'k-2026');
  });

  const refused: [string, () => string][] = [
    ['a public key', () => generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString()],
    ['a public JWK', () => JSON.stringify(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }))],
    ['garbage', () => 'not a key at all'],
    ['an RSA key under 2048 bits', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()],
    ['a JWK whose alg contradicts the key', () => JSON.stringify({ ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), alg: 'RS256' })],
  ];
  for (const [name, make] of refused) {
    it(`refuses ${name}, naming the variable and not echoing the key`, async () => {
      const text = make();
      await assert.rejects(loadSigningKey(text), (err: Error) => {
        assert.ok(err instanceof SigningKeyError);
        assert.match(err.message, /^IDENTITY_SIGNING_KEY: /);
        assert.ok(!err.message.includes(text.length > 40 ? text.slice(20, 40) : text));
        return true;
      });
    });
  }

  it('issues access tokens that verify against the JWKS with iss, aud, sub, roles and exp', async () => {
    const key = await loadSigningKey(undefined);
    const issued = await issueAccessToken({ key, issuer: 'iss-x', audience: 'aud-y', accessTtlS: 900 }, { userId: 'u-1', roles: ['customer'] });
    const { payload, protectedHeader } = await jwtVerify(issued.token, createLocalJWKSet(jwksOf(key)), { issuer: 'iss-x', audience: 'aud-y' });
    assert.equal(protectedHeader.kid, key.kid);
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.sub, 'u-1');
    assert.deepEqual(payload.roles, ['customer']);
    assert.equal(payload.jti, issued.jti);
    assert.equal(Number(payload.exp) - Number(payload.iat), 900);
  });

  it('makes opaque 256-bit refresh tokens and stores only their SHA-256', () => {
    const a = newRefreshToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newRefreshToken());
    assert.match(hashRefreshToken(a), /^[0-9a-f]{64}$/);
    assert.equal(hashRefreshToken(a), hashRefreshToken(a));
  });
});

describe('identity key rotation', () => {
  it('publishes retired public keys after the signing key, and tokens of the retired key still verify', async () => {
    const retired = await loadSigningKey(undefined);
    const current = await loadSigningKey(undefined);
    const previous = parsePreviousKeys(JSON.stringify({ keys: [retired.publicJwk] }));
    const jwks = jwksOf(current, previous);
    assert.deepEqual(jwks.keys.map((k) => k.kid), [current.kid, retired.kid]);
    const old = await issueAccessToken({ key: retired, issuer: 'i', audience: 'a', accessTtlS: 900 }, { userId: 'u', roles: [] });
    const { payload } = await jwtVerify(old.token, createLocalJWKSet(jwks), { issuer: 'i', audience: 'a' });
    assert.equal(payload.sub, 'u');
  });

  const bad: [string, string][] = [
    ['not JSON', '{'],
    ['a private key', JSON.stringify([{ ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), kid: 'k', alg: 'EdDSA' }])],
    ['a key without kid', JSON.stringify([{ ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), alg: 'EdDSA' }])],
    ['an HMAC secret', JSON.stringify([{ kty: 'oct', k: 'c2VjcmV0', kid: 'k', alg: 'HS256' }])],
    ['a broken key', JSON.stringify([{ kty: 'OKP', crv: 'Ed25519', x: 'nope', kid: 'k', alg: 'EdDSA' }])],
  ];
  for (const [name, text] of bad) {
    it(`refuses ${name} in IDENTITY_PREVIOUS_KEYS`, () => {
      assert.throws(() => parsePreviousKeys(text), (err: Error) => err instanceof SigningKeyError && err.message.startsWith('IDENTITY_PREVIOUS_KEYS: '));
    });
  }
});
