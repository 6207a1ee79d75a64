/**
 * The access-token signing key: loaded from a PKCS#8 PEM or a private JWK, or generated at start
 * for development. Its public half is published as a JWKS; its `kid` is the RFC 7638 thumbprint
 * unless the JWK names one.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK } from 'jose';

/** Asymmetric algorithms identity signs with (never an HMAC: verifiers only get public keys). */
export type SigningAlgorithm = 'EdDSA' | 'RS256' | 'ES256' | 'ES384';

/** A loaded signing key. */
export interface SigningKey {
  readonly alg: SigningAlgorithm;
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public JWK as published (with `kid`, `alg`, `use`). */
  readonly publicJwk: JWK;
  /** True when generated at start (tokens do not survive a restart). */
  readonly generated: boolean;
}

/** Raised for a key that cannot be used; names the variable, never echoes the key. */
export class SigningKeyError extends Error {
  constructor(message: string, variable = 'IDENTITY_SIGNING_KEY') {
    super(`${variable}: ${message}`);
    this.name = 'SigningKeyError';
  }
}

function algorithmOf(key: KeyObject, requested?: string): SigningAlgorithm {
  const type = key.asymmetricKeyType;
  let alg: SigningAlgorithm;
  if (type === 'ed25519') alg = 'EdDSA';
  else if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new SigningKeyError(`RSA key of ${bits} bits is too small (2048 at least)`);
    alg = 'RS256';
  } else if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') alg = 'ES256';
    else if (curve === 'secp384r1') alg = 'ES384';
    else throw new SigningKeyError(`unsupported EC curve ${String(curve)}`);
  } else throw new SigningKeyError(`unsupported key type ${String(type)} (use Ed25519, RSA or EC P-256/P-384)`);
  if (requested && requested !== alg) throw new SigningKeyError(`the JWK says alg ${requested} but the key is for ${alg}`);
  return alg;
}

function parsePrivate(text: string): { key: KeyObject; kid?: string; alg?: string } {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as JWK;
      if (!jwk.d) throw new SigningKeyError('the JWK is not a private key');
      return {
        key: createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }),
        ...(jwk.kid ? { kid: jwk.kid } : {}),
        ...(jwk.alg ? { alg: jwk.alg } : {}),
      };
    }
    // Environment variables often carry PEMs with literal "\n".
    return { key: createPrivateKey(trimmed.replaceAll('\\n', '\n')) };
  } catch (err) {
    if (err instanceof SigningKeyError) throw err;
    throw new SigningKeyError('not a private key in PKCS#8 PEM or JWK form');
  }
}

/**
 * Loads the signing key from config, or generates an Ed25519 key when none is given.
 * @throws SigningKeyError for a key that is not a usable asymmetric private key
 */
export async function loadSigningKey(configured: string | undefined): Promise<SigningKey> {
  let privateKey: KeyObject;
  let kid: string | undefined;
  let requested: string | undefined;
  const generated = !configured;
  if (configured) {
    const parsed = parsePrivate(configured);
    privateKey = parsed.key;
    kid = parsed.kid;
    requested = parsed.alg;
  } else {
    privateKey = generateKeyPairSync('ed25519').privateKey;
  }
  if (privateKey.type !== 'private') throw new SigningKeyError('a public key was given; a private key is needed');
  const alg = algorithmOf(privateKey, requested);
  const exported = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  kid ??= await calculateJwkThumbprint(exported);
  const publicJwk: JWK = { ...exported, kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk, generated };
}

/**
 * Parses retired public keys that must stay in the JWKS while tokens they signed are alive (key
 * rotation): a JSON array of public JWKs, or a JWKS document. Each needs `kid` and `alg`.
 * @throws SigningKeyError (naming IDENTITY_PREVIOUS_KEYS) for anything else
 */
export function parsePreviousKeys(text: string | undefined): JWK[] {
  if (!text) return [];
  const fail = (why: string) => new SigningKeyError(why, 'IDENTITY_PREVIOUS_KEYS');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail('not JSON (expected an array of public JWKs or a JWKS document)');
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw fail('expected an array of public JWKs or a JWKS document');
  return list.map((raw, i) => {
    const jwk = raw as JWK;
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string') throw fail(`key ${i} is not a JWK`);
    if ('d' in jwk || jwk.kty === 'oct') throw fail(`key ${i} is not a public asymmetric key`);
    if (!jwk.kid || !jwk.alg) throw fail(`key ${i} needs kid and alg`);
    try {
      createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch {
      throw fail(`key ${i} is not a usable public key`);
    }
    return { ...jwk, use: 'sig' };
  });
}

/** The JWKS document that verifiers fetch: the signing key first, then retired keys still trusted. */
export function jwksOf(key: SigningKey, previous: readonly JWK[] = []): JSONWebKeySet {
  return { keys: [key.publicJwk, ...previous.filter((k) => k.kid !== key.kid)] };
}
