/**
 * The OCI step machine (operator/oci/waf-sync.ts) against the fake with the real oci-sdk clients,
 * driven the way the work queue drives it: one step, then requeue after the delay it asks for
 * (shortened), 429s waited out by their Retry-After, other transient errors retried.
 */
import assert from 'node:assert/strict';
import * as common from 'oci-common';
import { createOciClients, type OciClients } from '../../../operator/oci/clients.ts';
import { OciCallError } from '../../../operator/oci/errors.ts';
import { OWNER_UID_TAG, type OciOwner } from '../../../operator/oci/tags.ts';
import { buildWafPolicy } from '../../../operator/oci/waf-policy.ts';
import { applyStep, deleteStep, type OciGatewayState, type OciStepResult } from '../../../operator/oci/waf-sync.ts';
import { generateTestApiKey, startOciFake, type OciFake } from '../../support/oci-fake/index.ts';

const COMPARTMENT = 'ocid1.compartment.oc1..syncsuite';
const TIMINGS = { pollMs: 20, waitForLoadBalancerMs: 20 };

async function converge(run: (state: OciGatewayState) => Promise<OciStepResult>, start: OciGatewayState = {}): Promise<{ state: OciGatewayState; steps: number; throttled: number; result: OciStepResult }> {
  let state = start;
  let throttled = 0;
  for (let steps = 1; steps < 300; steps += 1) {
    try {
      const result = await run(state);
      state = result.state;
      if (result.done) return { state, steps, throttled, result };
      await new Promise((r) => setTimeout(r, Math.min(result.requeueAfterMs ?? 0, 50)));
    } catch (err) {
      assert.ok(err instanceof OciCallError && !err.permanent, `unexpected ${String(err)}`);
      // 429 and 503 carry the server's Retry-After (the fake sends 1 s).
      if (err.details.retryAfterMs !== undefined) {
        throttled += 1;
        assert.equal(err.details.retryAfterMs, 1000);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  assert.fail('did not converge');
}

describe('OCI step machine against the fake', function () {
  let fake: OciFake;
  let oci: OciClients;
  let n = 0;
  const owner = (): OciOwner => ({ uid: `uid-${process.pid}-${(n += 1)}`, namespace: 'ns', name: `gw${n}` });

  before(async function () {
    const key = generateTestApiKey('sync');
    fake = await startOciFake();
    fake.trustKey(key.keyId, key.publicKeyPem);
    fake.store.workRequestDurationMs = 60;
    const provider = new common.SimpleAuthenticationDetailsProvider(key.tenancy, key.user, key.fingerprint, key.privateKeyPem, null, common.Region.EU_FRANKFURT_1);
    oci = createOciClients(provider, { region: 'eu-frankfurt-1', wafEndpoint: fake.url, loadBalancerEndpoint: fake.url });
  });
  after(async function () {
    await fake.close();
  });
  afterEach(function () {
    fake.clearFaults();
  });

  it('creates exactly one policy and one firewall despite 429s, 500s and answers lost after commit', async function () {
    const o = owner();
    const address = '198.51.100.1';
    fake.addLoadBalancer({ compartmentId: COMPARTMENT, ipAddress: address });
    const before = { ...fake.counts };
    fake.inject({ operation: 'CreateWebAppFirewallPolicy', status: 429, retryAfterS: 1, times: 2 });
    fake.inject({ operation: 'CreateWebAppFirewallPolicy', status: 500, afterCommit: true });
    fake.inject({ operation: 'ListLoadBalancers', status: 503, retryAfterS: 1 });
    fake.inject({ operation: 'CreateWebAppFirewall', status: 500, afterCommit: true });
    fake.inject({ operation: 'GetWorkRequest', status: 500, times: 2 });
    const policy = buildWafPolicy({ countries: { allow: ['BR'] } });
    const { state, throttled } = await converge((previous) => applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy, address, previous, timings: TIMINGS }));
    assert.equal(fake.counts.createPolicy - before.createPolicy, 1);
    assert.equal(fake.counts.createFirewall - before.createFirewall, 1);
    assert.equal(throttled, 3);
    assert.equal(fake.store.policies.get(state.wafPolicyOcid!)?.data.lifecycleState, 'ACTIVE');
    assert.equal(fake.store.firewalls.get(state.wafOcid!)?.data.loadBalancerId, state.lbOcid);
    assert.equal(state.workRequest, undefined);
  });

  it('adopts its policy by tag when the status lost the OCIDs, and updates in place with If-Match', async function () {
    const o = owner();
    const address = '198.51.100.2';
    fake.addLoadBalancer({ compartmentId: COMPARTMENT, ipAddress: address });
    const first = await converge((previous) => applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy: buildWafPolicy({}), address, previous, timings: TIMINGS }));
    const before = { ...fake.counts };
    const changed = buildWafPolicy({ rateLimit: { requestsPerMinute: 100 } });
    fake.inject({ operation: 'UpdateWebAppFirewallPolicy', status: 412 });
    const second = await converge((previous) => applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy: changed, address, previous, timings: TIMINGS }), {});
    assert.equal(second.state.wafPolicyOcid, first.state.wafPolicyOcid);
    assert.equal(second.state.wafOcid, first.state.wafOcid);
    assert.equal(fake.counts.createPolicy, before.createPolicy);
    assert.equal(fake.counts.updatePolicy - before.updatePolicy, 1);
    const updates = fake.requests.filter((r) => r.operation === 'UpdateWebAppFirewallPolicy' && r.path.endsWith(first.state.wafPolicyOcid!));
    assert.ok(updates.length >= 2 && updates.every((u) => u.ifMatch), 'every update carries If-Match');
    const stored = fake.store.policies.get(first.state.wafPolicyOcid!)!.data as unknown as { requestRateLimiting: { rules: { configurations: { requestsLimit: number }[] }[] }; freeformTags: Record<string, string> };
    assert.equal(stored.requestRateLimiting.rules[0]?.configurations[0]?.requestsLimit, 100);
    assert.equal(stored.freeformTags[OWNER_UID_TAG], o.uid);
  });

  it('waits for the load balancer, then refuses one without HTTP listeners', async function () {
    const o = owner();
    const policy = buildWafPolicy({});
    let result = await converge(async (previous) => {
      const r = await applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy, address: '198.51.100.3', previous, timings: TIMINGS });
      return r.reason === 'WaitingForLoadBalancer' ? { ...r, done: true } : r;
    });
    assert.equal(result.result.reason, 'WaitingForLoadBalancer');
    fake.addLoadBalancer({ compartmentId: COMPARTMENT, ipAddress: '198.51.100.3', listenerProtocols: ['TCP'] });
    await assert.rejects(applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy, address: '198.51.100.3', previous: result.state, timings: TIMINGS }),
      (err: unknown) => err instanceof OciCallError && err.code === 'LoadBalancerNotL7' && err.permanent);
    result = await converge((previous) => deleteStep(oci, { owner: o, compartmentId: COMPARTMENT, previous, timings: TIMINGS }), result.state);
    assert.equal(result.result.reason, 'OciResourcesDeleted');
  });

  it('deletes firewall then policy and reports done only when OCI says both are gone', async function () {
    const o = owner();
    const address = '198.51.100.4';
    fake.addLoadBalancer({ compartmentId: COMPARTMENT, ipAddress: address });
    const applied = await converge((previous) => applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy: buildWafPolicy({}), address, previous, timings: TIMINGS }));
    fake.inject({ operation: 'DeleteWebAppFirewall', status: 429, retryAfterS: 1 });
    const deleted = await converge((previous) => deleteStep(oci, { owner: o, compartmentId: COMPARTMENT, previous, timings: TIMINGS }), applied.state);
    assert.equal(fake.store.firewalls.get(applied.state.wafOcid!)?.data.lifecycleState, 'DELETED');
    assert.equal(fake.store.policies.get(applied.state.wafPolicyOcid!)?.data.lifecycleState, 'DELETED');
    assert.equal(deleted.state.wafOcid, undefined);
    const order = fake.requests.filter((r) => r.status === 202 && r.operation.startsWith('Delete') && (r.path.endsWith(applied.state.wafOcid!) || r.path.endsWith(applied.state.wafPolicyOcid!))).map((r) => r.operation);
    assert.deepEqual(order, ['DeleteWebAppFirewall', 'DeleteWebAppFirewallPolicy']);
  });

  it('reports a failed create with OCI\'s message, then replaces the FAILED policy under a new retry token', async function () {
    const o = owner();
    const before = fake.counts.createPolicy;
    fake.store.failingWorkRequests = 1;
    const policy = buildWafPolicy({});
    const first = await applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy, address: undefined, previous: {}, timings: TIMINGS });
    assert.equal(first.state.workRequest?.operation, 'CreateWafPolicy');
    await new Promise((r) => setTimeout(r, 100));
    const failed = await applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy, address: undefined, previous: first.state, timings: TIMINGS });
    assert.equal(failed.reason, 'WafPolicyFailed');
    assert.match(failed.message, /InternalError/);
    const replaced = await converge(async (previous) => {
      const r = await applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy, address: undefined, previous, timings: TIMINGS });
      return r.reason === 'WaitingForAddress' ? { ...r, done: true } : r;
    }, failed.state);
    assert.notEqual(replaced.state.wafPolicyOcid, first.state.wafPolicyOcid);
    assert.equal(fake.store.policies.get(first.state.wafPolicyOcid!)?.data.lifecycleState, 'DELETED');
    assert.equal(fake.store.policies.get(replaced.state.wafPolicyOcid!)?.data.lifecycleState, 'ACTIVE');
    assert.equal(fake.counts.createPolicy - before, 2);
    const tokens = fake.requests.filter((r) => r.operation === 'CreateWebAppFirewallPolicy' && r.status === 200).slice(-2).map((r) => r.retryToken);
    assert.notEqual(tokens[0], tokens[1]);
  });
  it('replaces a firewall whose create work request failed, ending with exactly one live firewall', async function () {
    const o = owner();
    const address = '198.51.100.6';
    const policy = buildWafPolicy({});
    const waiting = await converge(async (previous) => {
      const r = await applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy, address: undefined, previous, timings: TIMINGS });
      return r.reason === 'WaitingForAddress' ? { ...r, done: true } : r;
    });
    const lbId = fake.addLoadBalancer({ compartmentId: COMPARTMENT, ipAddress: address });
    const before = fake.counts.createFirewall;
    fake.store.failingWorkRequests = 1;
    const reasons: string[] = [];
    const done = await converge(async (previous) => {
      const r = await applyStep(oci, { owner: o, compartmentId: COMPARTMENT, policy, address, previous, timings: TIMINGS });
      reasons.push(r.reason);
      return r;
    }, waiting.state);
    assert.ok(reasons.includes('WebAppFirewallFailed'), reasons.join(','));
    assert.equal(fake.counts.createFirewall - before, 2);
    const live = fake.store.liveFirewalls().filter((f) => f.data.loadBalancerId === lbId);
    assert.deepEqual(live.map((f) => f.id), [done.state.wafOcid]);
  });
});
