/**
 * Verification of OCI request signatures (draft-cavage HTTP signatures, as the OCI SDK signs them):
 * `Authorization: Signature version="1",keyId="<tenancy>/<user>/<fingerprint>",algorithm="rsa-sha256",
 * headers="...",signature="..."`. OCI answers 401 NotAuthenticated to anything that does not verify;
 * the fake does the same so a test can tell a signed request from an unsigned one.
 * https://docs.oracle.com/en-us/iaas/Content/API/Concepts/signingrequests.htm
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** How far a request's date may be from the fake's clock, as OCI allows. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const BODY_HEADERS = ['content-type', 'content-length', 'x-content-sha256'];

/** The request parts a signature covers. */
export interface SignedRequest {
  readonly method: string;
  /** Path and query exactly as sent (`req.url`). */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Why a signature was refused; `ok` carries the key id that signed it. */
export type SignatureCheck = { ok: true; keyId: string } | { ok: false; reason: string };

/** Parses the parameter list of a `Signature` authorization header. */
export function parseSignatureParams(header: string): Map<string, string> | undefined {
  const match = /^Signature\s+(.*)$/i.exec(header.trim());
  if (!match?.[1]) return undefined;
  const params = new Map<string, string>();
  const re = /([a-zA-Z]+)="([^"]*)"/g;
  for (let m = re.exec(match[1]); m; m = re.exec(match[1])) {
    params.set(m[1]!.toLowerCase(), m[2]!);
  }
  return params;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Checks one request against the registered public keys (keyed by `tenancy/user/fingerprint`).
 * Every rule OCI enforces on the signing side that a fake can see is checked: the required
 * signed headers, the body digest and length, the clock skew and the RSA-SHA256 signature.
 */
export function verifyRequestSignature(req: SignedRequest, keys: ReadonlyMap<string, KeyObject>, now = Date.now()): SignatureCheck {
  const authorization = headerValue(req.headers, 'authorization');
  if (!authorization) return { ok: false, reason: 'missing Authorization header' };
  const params = parseSignatureParams(authorization);
  if (!params) return { ok: false, reason: 'Authorization is not a Signature' };
  const keyId = params.get('keyid');
  const signature = params.get('signature');
  const algorithm = params.get('algorithm');
  const signedHeaders = (params.get('headers') ?? '').split(/\s+/).filter(Boolean).map((h) => h.toLowerCase());
  if (!keyId || !signature) return { ok: false, reason: 'keyId or signature missing' };
  if (algorithm !== 'rsa-sha256') return { ok: false, reason: `algorithm ${algorithm ?? '(none)'} is not rsa-sha256` };
  if (keyId.split('/').length !== 3) return { ok: false, reason: 'keyId is not tenancy/user/fingerprint' };

  const required = ['(request-target)', 'host'];
  if (BODY_METHODS.has(req.method)) required.push(...BODY_HEADERS);
  for (const name of required) {
    if (!signedHeaders.includes(name)) return { ok: false, reason: `header ${name} is not signed` };
  }
  const dateHeader = signedHeaders.includes('x-date') ? 'x-date' : signedHeaders.includes('date') ? 'date' : undefined;
  if (!dateHeader) return { ok: false, reason: 'neither date nor x-date is signed' };
  const date = Date.parse(headerValue(req.headers, dateHeader) ?? '');
  if (Number.isNaN(date) || Math.abs(now - date) > MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'date outside the allowed skew' };

  if (BODY_METHODS.has(req.method)) {
    const digest = createHash('sha256').update(req.body).digest('base64');
    if (headerValue(req.headers, 'x-content-sha256') !== digest) return { ok: false, reason: 'x-content-sha256 does not match the body' };
    if (headerValue(req.headers, 'content-length') !== String(req.body.length)) return { ok: false, reason: 'content-length does not match the body' };
  }

  const lines: string[] = [];
  for (const name of signedHeaders) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${req.method.toLowerCase()} ${req.target}`);
      continue;
    }
    const value = headerValue(req.headers, name);
    if (value === undefined) return { ok: false, reason: `signed header ${name} is absent` };
    lines.push(`${name}: ${value}`);
  }
  const key = keys.get(keyId);
  if (!key) return { ok: false, reason: 'unknown keyId' };
  const valid = verify('sha256', Buffer.from(lines.join('\n')), key, Buffer.from(signature, 'base64'));
  return valid ? { ok: true, keyId } : { ok: false, reason: 'signature does not verify' };
}

/** A PEM public key as a KeyObject. */
export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem);
}
