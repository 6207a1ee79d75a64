/**
 * Test tokens like identity's (EdDSA, iss `vitrine-identity`, aud `vitrine`, `roles`), minted with
 * a local key pair, and the JWKS document that verifies them.
 */
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';

/** A local issuer. */
export interface TestIssuer {
  readonly jwks: JSONWebKeySet;
  /** Mints a 15-minute access token for `sub` with `roles`. */
  token(sub: string, roles?: readonly string[]): Promise<string>;
}

/** Creates a key pair and an issuer with it. */
export async function createTestIssuer(issuer = 'vitrine-identity', audience = 'vitrine'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = `test-${Date.now().toString(36)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    token: (sub, roles = ['customer']) =>
      new SignJWT({ roles: [...roles] })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('15m')
        .sign(privateKey),
  };
}
