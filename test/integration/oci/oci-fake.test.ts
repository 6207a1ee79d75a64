/**
 * The OCI fake with the real oci-sdk clients: signatures are really checked, the SDK's request
 * and response shapes round-trip, faults and retry tokens behave as OCI documents them.
 */
import assert from 'node:assert/strict';
import * as common from 'oci-common';
import { createOciClients, type OciClients } from '../../../operator/oci/clients.ts';
import { OciCallError } from '../../../operator/oci/errors.ts';
import { generateTestApiKey, startOciFake, type OciFake, type TestApiKey } from '../../support/oci-fake/index.ts';

const COMPARTMENT = 'ocid1.compartment.oc1..fakecompartment';

function clientsFor(fake: OciFake, key: TestApiKey): OciClients {
  const provider = new common.SimpleAuthenticationDetailsProvider(key.tenancy, key.user, key.fingerprint, key.privateKeyPem, null, common.Region.EU_FRANKFURT_1);
  return createOciClients(provider, { region: 'eu-frankfurt-1', wafEndpoint: fake.url, loadBalancerEndpoint: fake.url });
}

async function rejection(promise: Promise<unknown>): Promise<OciCallError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof OciCallError, `expected OciCallError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('OCI fake with the real oci-sdk clients', function () {
  let fake: OciFake;
  let key: TestApiKey;
  let oci: OciClients;

  before(async function () {
    key = generateTestApiKey('trusted');
    fake = await startOciFake();
    fake.trustKey(key.keyId, key.publicKeyPem);
    oci = clientsFor(fake, key);
  });
  after(async function () {
    await fake.close();
  });
  afterEach(function () {
    fake.clearFaults();
  });

  it('refuses a request signed with another key (401 NotAuthenticated)', async function () {
    const other = generateTestApiKey('trusted'); // same tenancy/user, different key and fingerprint
    const stranger = clientsFor(fake, { ...other, keyId: key.keyId, fingerprint: key.fingerprint });
    const before = fake.counts.rejectedSignatures;
    const err = await rejection(stranger.call('list', () => stranger.waf.listWebAppFirewallPolicies({ compartmentId: COMPARTMENT })));
    assert.equal(err.details.httpStatus, 401);
    assert.equal(err.code, 'NotAuthenticated');
    assert.equal(fake.counts.rejectedSignatures, before + 1);
    // The trusted key still works on the same fake.
    const ok = await oci.call('list', () => oci.waf.listWebAppFirewallPolicies({ compartmentId: COMPARTMENT }));
    assert.ok(Array.isArray(ok.webAppFirewallPolicyCollection.items));
  });

  it('refuses an unknown keyId and a tampered body', async function () {
    const unknown = generateTestApiKey('unknown');
    const stranger = clientsFor(fake, unknown);
    const err = await rejection(stranger.call('create', () => stranger.waf.createWebAppFirewallPolicy({
      createWebAppFirewallPolicyDetails: { compartmentId: COMPARTMENT, displayName: 'x' },
    })));
    assert.equal(err.details.httpStatus, 401);

    // A signed POST whose body is changed after signing: the x-content-sha256 no longer matches.
    const provider = new common.SimpleAuthenticationDetailsProvider(key.tenancy, key.user, key.fingerprint, key.privateKeyPem, null, common.Region.EU_FRANKFURT_1);
    const signer = new common.DefaultRequestSigner(provider);
    const headers = new Headers({ 'content-type': 'application/json' });
    const uri = `${fake.url}/20210930/webAppFirewallPolicies`;
    await signer.signHttpRequest({ method: 'POST', headers, uri, body: JSON.stringify({ compartmentId: COMPARTMENT }) });
    const tampered = await fetch(uri, { method: 'POST', headers, body: JSON.stringify({ compartmentId: COMPARTMENT.replace('fake', 'evil') }) });
    assert.equal(tampered.status, 401);
    assert.equal(((await tampered.json()) as { code: string }).code, 'NotAuthenticated');
  });

  it('creates, gets, updates with If-Match and deletes a policy through work requests', async function () {
    const created = await oci.call('create', () => oci.waf.createWebAppFirewallPolicy({
      createWebAppFirewallPolicyDetails: { compartmentId: COMPARTMENT, displayName: 'p1', freeformTags: { 'vitrine.dev/owner-uid': 'u1' } },
      opcRetryToken: 'token-p1',
    }));
    const id = created.webAppFirewallPolicy.id;
    assert.equal(created.webAppFirewallPolicy.lifecycleState, 'CREATING');
    assert.ok(created.opcWorkRequestId);
    await waitWorkRequest(oci, created.opcWorkRequestId);
    const got = await oci.call('get', () => oci.waf.getWebAppFirewallPolicy({ webAppFirewallPolicyId: id }));
    assert.equal(got.webAppFirewallPolicy.lifecycleState, 'ACTIVE');
    assert.deepEqual(got.webAppFirewallPolicy.freeformTags, { 'vitrine.dev/owner-uid': 'u1' });

    const stale = await rejection(oci.call('update', () => oci.waf.updateWebAppFirewallPolicy({
      webAppFirewallPolicyId: id, ifMatch: 'not-the-etag', updateWebAppFirewallPolicyDetails: { displayName: 'p2' },
    })));
    assert.equal(stale.code, 'PreconditionFailed');
    const updated = await oci.call('update', () => oci.waf.updateWebAppFirewallPolicy({
      webAppFirewallPolicyId: id, ifMatch: got.etag, updateWebAppFirewallPolicyDetails: { displayName: 'p2' },
    }));
    await waitWorkRequest(oci, updated.opcWorkRequestId);
    assert.equal(fake.counts.updatePolicy, 1);

    const deleted = await oci.call('delete', () => oci.waf.deleteWebAppFirewallPolicy({ webAppFirewallPolicyId: id }));
    await waitWorkRequest(oci, deleted.opcWorkRequestId);
    const gone = await oci.call('get', () => oci.waf.getWebAppFirewallPolicy({ webAppFirewallPolicyId: id }));
    assert.equal(gone.webAppFirewallPolicy.lifecycleState, 'DELETED');
  });

  it('replays a repeated retry token instead of creating twice', async function () {
    const before = fake.counts.createPolicy;
    const details = { compartmentId: COMPARTMENT, displayName: 'idem' };
    // The first attempt commits but its answer is lost (a 500 after the create).
    fake.inject({ operation: 'CreateWebAppFirewallPolicy', status: 500, afterCommit: true });
    const lost = await rejection(oci.call('create', () => oci.waf.createWebAppFirewallPolicy({ createWebAppFirewallPolicyDetails: details, opcRetryToken: 'idem-1' })));
    assert.equal(lost.code, 'Unavailable');
    const again = await oci.call('create', () => oci.waf.createWebAppFirewallPolicy({ createWebAppFirewallPolicyDetails: details, opcRetryToken: 'idem-1' }));
    assert.equal(fake.counts.createPolicy, before + 1);
    assert.equal(fake.store.policies.get(again.webAppFirewallPolicy.id)?.data.displayName, 'idem');
  });

  it('passes Retry-After of a 429 to the caller', async function () {
    fake.inject({ operation: 'ListLoadBalancers', status: 429, retryAfterS: 7 });
    const err = await rejection(oci.call('listLb', () => oci.loadBalancer.listLoadBalancers({ compartmentId: COMPARTMENT })));
    assert.equal(err.code, 'Throttled');
    assert.equal(err.details.retryAfterMs, 7000);
  });

  it('lists load balancers with their IP addresses and listeners', async function () {
    const id = fake.addLoadBalancer({ compartmentId: COMPARTMENT, ipAddress: '203.0.113.10' });
    const list = await oci.call('listLb', () => oci.loadBalancer.listLoadBalancers({ compartmentId: COMPARTMENT }));
    const lb = list.items.find((l) => l.id === id);
    assert.equal(lb?.ipAddresses?.[0]?.ipAddress, '203.0.113.10');
    assert.equal(Object.values(lb?.listeners ?? {})[0]?.protocol, 'HTTP');
    const one = await oci.call('getLb', () => oci.loadBalancer.getLoadBalancer({ loadBalancerId: id }));
    assert.equal(one.loadBalancer.shapeName, 'flexible');
  });
});

async function waitWorkRequest(oci: OciClients, id: string | undefined): Promise<void> {
  assert.ok(id, 'a work request id');
  for (let i = 0; i < 100; i += 1) {
    const wr = await oci.call('wr', () => oci.waf.getWorkRequest({ workRequestId: id }));
    if (wr.workRequest.status === 'SUCCEEDED') return;
    assert.notEqual(wr.workRequest.status, 'FAILED');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('work request did not finish');
}
