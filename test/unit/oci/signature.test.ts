/** The fake's signature check against requests the OCI SDK's own signer produced. */
import assert from 'node:assert/strict';
import * as common from 'oci-common';
import { parseSignatureParams, publicKeyFromPem, verifyRequestSignature } from '../../support/oci-fake/signature.ts';
import { generateTestApiKey } from '../../support/oci-fake/test-keys.ts';

const key = generateTestApiKey('unit');

async function signed(method: 'GET' | 'POST', body?: string): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const provider = new common.SimpleAuthenticationDetailsProvider(key.tenancy, key.user, key.fingerprint, key.privateKeyPem, null, common.Region.EU_FRANKFURT_1);
  const headers = new Headers();
  await new common.DefaultRequestSigner(provider).signHttpRequest({ method, headers, uri: 'http://127.0.0.1:1/20210930/webAppFirewalls?compartmentId=c', body });
  return { headers: Object.fromEntries(headers.entries()), body: Buffer.from(body ?? '') };
}

describe('OCI fake signature check', function () {
  const keys = new Map([[key.keyId, publicKeyFromPem(key.publicKeyPem)]]);
  const target = '/20210930/webAppFirewalls?compartmentId=c';

  it('accepts a GET and a POST signed by the SDK', async function () {
    const get = await signed('GET');
    assert.deepEqual(verifyRequestSignature({ method: 'GET', target, headers: get.headers, body: get.body }, keys), { ok: true, keyId: key.keyId });
    const post = await signed('POST', '{"a":1}');
    assert.equal(verifyRequestSignature({ method: 'POST', target, headers: post.headers, body: post.body }, keys).ok, true);
  });

  it('refuses a changed path, a changed body, an old date and an unsigned request', async function () {
    const get = await signed('GET');
    assert.equal(verifyRequestSignature({ method: 'GET', target: `${target}x`, headers: get.headers, body: get.body }, keys).ok, false);
    const post = await signed('POST', '{"a":1}');
    assert.equal(verifyRequestSignature({ method: 'POST', target, headers: post.headers, body: Buffer.from('{"a":2}') }, keys).ok, false);
    assert.equal(verifyRequestSignature({ method: 'GET', target, headers: get.headers, body: get.body }, keys, Date.now() + 10 * 60_000).ok, false);
    assert.equal(verifyRequestSignature({ method: 'GET', target, headers: {}, body: Buffer.alloc(0) }, keys).ok, false);
  });

  it('parses the version="1" form the SDK writes', async function () {
    const { headers } = await signed('GET');
    const params = parseSignatureParams(headers.authorization!);
    assert.equal(params?.get('version'), '1');
    assert.equal(params?.get('keyid'), key.keyId);
    assert.match(params?.get('headers') ?? '', /\(request-target\)/);
  });
});
