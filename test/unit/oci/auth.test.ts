/** Selection of the OCI authentication provider from a ShopPlatform's `spec.oci`. */
import assert from 'node:assert/strict';
import * as common from 'oci-common';
import { createAuthProvider, type PrincipalBuilders } from '../../../operator/oci/auth.ts';
import { OciCallError } from '../../../operator/oci/errors.ts';
import { generateTestApiKey } from '../../support/oci-fake/test-keys.ts';

const key = generateTestApiKey('auth');
const secret = { tenancy: key.tenancy, user: key.user, fingerprint: key.fingerprint, privateKey: key.privateKeyPem };

function builders(calls: string[]): PrincipalBuilders {
  const fakeProvider = new common.SimpleAuthenticationDetailsProvider('t', 'u', 'f', key.privateKeyPem, null, common.Region.EU_FRANKFURT_1);
  return {
    async instancePrincipal() { calls.push('instance'); return fakeProvider; },
    async workloadIdentity() { calls.push('workload'); return fakeProvider; },
  };
}

function isAuthConfig(fragment: string) {
  return (err: unknown) => err instanceof OciCallError && err.code === 'AuthConfig' && err.permanent && err.message.includes(fragment);
}

describe('createAuthProvider', function () {
  it('builds an API-key provider from the Secret, with keyId tenancy/user/fingerprint', async function () {
    const provider = await createAuthProvider({ region: 'sa-saopaulo-1', auth: 'apiKey', apiKeySecretRef: { name: 'oci-key' } },
      async (name) => (name === 'oci-key' ? secret : undefined));
    assert.equal(await provider.getKeyId(), key.keyId);
  });

  it('names the missing Secret and the missing key', async function () {
    await assert.rejects(createAuthProvider({ region: 'sa-saopaulo-1', auth: 'apiKey', apiKeySecretRef: { name: 'nope' } }, async () => undefined), isAuthConfig('Secret nope'));
    const { fingerprint: _f, ...partial } = secret;
    await assert.rejects(createAuthProvider({ region: 'sa-saopaulo-1', auth: 'apiKey', apiKeySecretRef: { name: 'k' } }, async () => partial), isAuthConfig('"fingerprint"'));
    await assert.rejects(createAuthProvider({ region: 'sa-saopaulo-1', auth: 'apiKey', apiKeySecretRef: { name: 'k' } }, async () => ({ ...secret, privateKey: 'oops' })), isAuthConfig('PEM'));
  });

  it('uses the instance principal or workload identity builder, workload identity by default', async function () {
    const calls: string[] = [];
    await createAuthProvider({ region: 'sa-saopaulo-1', auth: 'instancePrincipal' }, async () => undefined, builders(calls));
    await createAuthProvider({ region: 'sa-saopaulo-1', auth: 'workloadIdentity' }, async () => undefined, builders(calls));
    await createAuthProvider({ region: 'sa-saopaulo-1' }, async () => undefined, builders(calls));
    assert.deepEqual(calls, ['instance', 'workload', 'workload']);
  });

  it('turns a principal that cannot be built (not on OCI) into a setup error', async function () {
    const failing: PrincipalBuilders = {
      async instancePrincipal() { throw new Error('metadata service unreachable'); },
      async workloadIdentity() { throw new Error('no service account token'); },
    };
    await assert.rejects(createAuthProvider({ region: 'sa-saopaulo-1', auth: 'instancePrincipal' }, async () => undefined, failing), isAuthConfig('metadata service unreachable'));
  });
});
