/**
 * ShopGateway end to end on the real kube-apiserver and the OCI fake (issue 8's "must show"):
 * the Service and its OCI annotations, exactly one policy and one firewall under 429s, 500s and
 * two operator restarts, an in-place update with If-Match, deletion through the finalizer (and
 * Retain), and bad specs rejected at apply.
 */
import assert from 'node:assert/strict';
import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import type { ShopGateway } from '../../../operator/api/v1alpha1/index.ts';
import { OCI_FINALIZER, type ShopGatewayControllerOptions } from '../../../operator/controllers/shop-gateway-controller.ts';
import { SPEC_HASH_TAG } from '../../../operator/oci/tags.ts';
import { loadBalancerAnnotations } from '../../../operator/render/gateway-service.ts';
import { KubeApiError, RESOURCES, type KubeClient, type Manager } from '../../../operator/runtime/index.ts';
import { generateTestApiKey, startOciFake, type OciFake, type TestApiKey } from '../../support/oci-fake/index.ts';
import { createNamespace, deleteNamespace, installCrds, kubeClient, startOperator, waitFor } from './kube-helpers.ts';

const COMPARTMENT = 'ocid1.compartment.oc1..shopgateway';

function b64(value: string): string {
  return Buffer.from(value).toString('base64');
}

function gateway(namespace: string, name: string, extra: Record<string, unknown> = {}): KubernetesObject & { spec: Record<string, unknown> } {
  return {
    apiVersion: 'vitrine.dev/v1alpha1', kind: 'ShopGateway', metadata: { name, namespace },
    spec: {
      hosts: ['shop.example.com'],
      routes: [{ pathPrefix: '/api/catalog', service: 'catalog' }],
      loadBalancer: { type: 'lb', shape: 'flexible', minBandwidthMbps: 10, maxBandwidthMbps: 100 },
      waf: { enabled: true, mode: 'Block', protections: ['sqli', 'xss'], rateLimit: { requestsPerMinute: 600 }, countries: { allow: ['BR', 'US'] } },
      deletionPolicy: 'Delete',
      ...extra,
    },
  };
}

async function getGateway(client: KubeClient, ns: string, name: string): Promise<ShopGateway | undefined> {
  try {
    return await client.get<ShopGateway & KubernetesObject>(RESOURCES.shopGateways, ns, name);
  } catch (err) {
    if (err instanceof KubeApiError && err.notFound) return undefined;
    throw err;
  }
}

function ready(gw: ShopGateway | undefined): boolean {
  return gw?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True' && c.observedGeneration === gw.metadata.generation) ?? false;
}

/** What the OCI cloud controller does: make a load balancer and write its address into the Service. */
async function provisionLoadBalancer(client: KubeClient, fake: OciFake, ns: string, serviceName: string, ip: string): Promise<string> {
  const lbId = fake.addLoadBalancer({ compartmentId: COMPARTMENT, ipAddress: ip });
  await client.mergePatch(RESOURCES.services, ns, serviceName, { status: { loadBalancer: { ingress: [{ ip }] } } }, 'status');
  return lbId;
}

describe('ShopGateway on the real kube-apiserver and the OCI fake', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let fake: OciFake;
  let ns: string;
  let options: ShopGatewayControllerOptions;
  let key: TestApiKey;
  const operators: Manager[] = [];

  async function restartOperator(): Promise<void> {
    await operators.pop()?.stop();
    operators.push(await startOperator(ns, options));
  }

  before(async function () {
    client = kubeClient();
    await installCrds(client);
    ns = await createNamespace(client, 'shopgw');
    key = generateTestApiKey('operator');
    fake = await startOciFake();
    fake.trustKey(key.keyId, key.publicKeyPem);
    fake.store.workRequestDurationMs = 300;
    options = { oci: { wafEndpoint: fake.url, loadBalancerEndpoint: fake.url }, timings: { pollMs: 100, waitForLoadBalancerMs: 200 }, waitForPlatformMs: 500 };
    await client.create(RESOURCES.secrets, {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oci-api-key', namespace: ns },
      data: { tenancy: b64(key.tenancy), user: b64(key.user), fingerprint: b64(key.fingerprint), privateKey: b64(key.privateKeyPem) },
    } as KubernetesObject);
    await client.create(RESOURCES.shopPlatforms, {
      apiVersion: 'vitrine.dev/v1alpha1', kind: 'ShopPlatform', metadata: { name: 'platform', namespace: ns },
      spec: {
        kafka: { bootstrapServers: ['127.0.0.1:9092'] },
        oci: { region: 'sa-saopaulo-1', compartmentId: COMPARTMENT, auth: 'apiKey', apiKeySecretRef: { name: 'oci-api-key' } },
      },
    } as KubernetesObject);
    operators.push(await startOperator(ns, options));
  });

  after(async function () {
    for (const m of operators) await m.stop();
    await fake?.close();
    if (ns) await deleteNamespace(client, ns);
  });

  it('creates the Service with exactly the OCI annotations, then one policy and one firewall despite 429s, 500s and two restarts', async function () {
    fake.inject({ operation: 'CreateWebAppFirewallPolicy', status: 429, retryAfterS: 1, times: 2 });
    fake.inject({ operation: 'CreateWebAppFirewallPolicy', status: 500, afterCommit: true });
    fake.inject({ operation: 'GetWorkRequest', status: 500 });
    fake.inject({ operation: 'CreateWebAppFirewall', status: 429, retryAfterS: 1 });
    fake.inject({ operation: 'CreateWebAppFirewall', status: 500, afterCommit: true });
    await client.create(RESOURCES.shopGateways, gateway(ns, 'edge'));

    const svc = await waitFor('gateway Service', () => client.get<V1Service & KubernetesObject>(RESOURCES.services, ns, 'edge-gateway'));
    const { 'vitrine.dev/applied-hash': _hash, ...annotations } = svc.metadata?.annotations ?? {};
    assert.deepEqual(annotations, {
      'oci.oraclecloud.com/load-balancer-type': 'lb',
      'service.beta.kubernetes.io/oci-load-balancer-shape': 'flexible',
      'service.beta.kubernetes.io/oci-load-balancer-shape-flex-min': '10',
      'service.beta.kubernetes.io/oci-load-balancer-shape-flex-max': '100',
      'service.beta.kubernetes.io/oci-load-balancer-backend-protocol': 'HTTP',
    });
    assert.equal(svc.spec?.type, 'LoadBalancer');
    for (const rt of [RESOURCES.deployments, RESOURCES.hpas, RESOURCES.pdbs, RESOURCES.configMaps]) {
      const child = await client.get(rt, ns, 'edge-gateway');
      assert.equal(child.metadata?.ownerReferences?.[0]?.kind, 'ShopGateway');
    }

    // Restart 1: as soon as the policy's OCID is in status (written before any wait).
    const withPolicy = await waitFor('policy OCID in status', async () => {
      const gw = await getGateway(client, ns, 'edge');
      return gw?.status?.wafPolicyOcid ? gw : undefined;
    });
    assert.ok(withPolicy.metadata.finalizers?.includes(OCI_FINALIZER));
    await restartOperator();

    await waitFor('policy ACTIVE and waiting for the load balancer', async () =>
      (await getGateway(client, ns, 'edge'))?.status?.conditions?.find((c) => c.type === 'WafReady')?.reason === 'WaitingForAddress');
    const lbId = await provisionLoadBalancer(client, fake, ns, 'edge-gateway', '192.0.2.10');

    // Restart 2: once the firewall's OCID is in status, while its work request runs.
    await waitFor('firewall OCID in status', async () => (await getGateway(client, ns, 'edge'))?.status?.wafOcid);
    await restartOperator();

    const done = await waitFor('Ready', async () => {
      const gw = await getGateway(client, ns, 'edge');
      return ready(gw) ? gw : undefined;
    }, 60_000);
    assert.equal(fake.counts.createPolicy, 1, 'exactly one policy created');
    assert.equal(fake.counts.createFirewall, 1, 'exactly one firewall created');
    assert.equal(fake.store.livePolicies().length, 1);
    assert.equal(fake.store.liveFirewalls().length, 1);
    assert.equal(done.status?.address, '192.0.2.10');
    assert.equal(done.status?.lbOcid, lbId);
    assert.equal(done.status?.wafPolicyOcid, fake.store.livePolicies()[0]?.id);
    assert.equal(done.status?.wafOcid, fake.store.liveFirewalls()[0]?.id);
    assert.equal(done.status?.workRequest, undefined);
    assert.equal(fake.store.liveFirewalls()[0]?.data.loadBalancerId, lbId);
    assert.ok(fake.requests.some((r) => r.status === 429), 'the 429s were really served');

    // Settled (once the restarted operator's first look at OCI is over): no more writes to the
    // API server and no more calls to OCI, even though its own status write triggered a reconcile.
    const operator = operators[operators.length - 1]!;
    await operator.idle();
    const writes = operator.client.writes;
    const ociCalls = fake.requests.length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(operator.client.writes, writes, 'a settled gateway makes no API writes');
    assert.deepEqual(fake.requests.slice(ociCalls).map((r) => r.operation), [], 'a settled gateway makes no OCI calls');
  });

  it('updates the policy in place with If-Match when the WAF spec changes', async function () {
    const before = await getGateway(client, ns, 'edge');
    const policyId = before?.status?.wafPolicyOcid ?? '';
    const oldHash = fake.store.policies.get(policyId)?.data.freeformTags[SPEC_HASH_TAG];
    await client.mergePatch(RESOURCES.shopGateways, ns, 'edge', { spec: { waf: { rateLimit: { requestsPerMinute: 120 } } } });
    const after = await waitFor('Ready at the new generation', async () => {
      const gw = await getGateway(client, ns, 'edge');
      return gw && gw.metadata.generation !== before?.metadata.generation && ready(gw) ? gw : undefined;
    });
    assert.equal(after.status?.wafPolicyOcid, policyId, 'same policy');
    assert.equal(fake.counts.createPolicy, 1, 'not recreated');
    assert.equal(fake.counts.updatePolicy, 1);
    const update = fake.requests.find((r) => r.operation === 'UpdateWebAppFirewallPolicy' && r.status === 202);
    assert.ok(update?.ifMatch, 'the update carried If-Match');
    assert.notEqual(fake.store.policies.get(policyId)?.data.freeformTags[SPEC_HASH_TAG], oldHash);
  });

  it('on delete removes firewall and policy in OCI first, then the finalizer', async function () {
    const gw = await getGateway(client, ns, 'edge');
    const { wafOcid, wafPolicyOcid } = gw?.status ?? {};
    // Long enough that the firewall's delete is still running when its progress reaches status, on
    // a loaded machine too (1.5 s was once not: the first progress seen was the policy's delete).
    fake.store.workRequestDurationMs = 4000;
    await client.delete(RESOURCES.shopGateways, ns, 'edge');
    await waitFor('firewall DELETING', async () => fake.store.firewalls.get(wafOcid ?? '')?.data.lifecycleState === 'DELETING');
    const during = await waitFor('work request progress in status', async () => {
      const g = await getGateway(client, ns, 'edge');
      return (g?.status?.workRequest?.percentComplete ?? 0) > 0 ? g : undefined;
    });
    assert.ok(during.metadata.finalizers?.includes(OCI_FINALIZER), 'finalizer kept while OCI deletes');
    assert.equal(during.status?.workRequest?.operation, 'DeleteWebAppFirewall');
    assert.equal(during.status?.workRequest?.status, 'IN_PROGRESS');
    await waitFor('ShopGateway gone', async () => (await getGateway(client, ns, 'edge')) === undefined, 60_000);
    assert.equal(fake.store.firewalls.get(wafOcid ?? '')?.data.lifecycleState, 'DELETED');
    assert.equal(fake.store.policies.get(wafPolicyOcid ?? '')?.data.lifecycleState, 'DELETED');
    fake.store.workRequestDurationMs = 300;
  });

  it('with deletionPolicy Retain keeps firewall and policy and drops the finalizer', async function () {
    await client.create(RESOURCES.shopGateways, gateway(ns, 'kept', { deletionPolicy: 'Retain' }));
    await waitFor('kept Service', () => client.get(RESOURCES.services, ns, 'kept-gateway'));
    await provisionLoadBalancer(client, fake, ns, 'kept-gateway', '192.0.2.20');
    const gw = await waitFor('kept Ready', async () => {
      const g = await getGateway(client, ns, 'kept');
      return ready(g) ? g : undefined;
    }, 60_000);
    const deletes = fake.counts.deletePolicy + fake.counts.deleteFirewall;
    await client.delete(RESOURCES.shopGateways, ns, 'kept');
    await waitFor('kept gone', async () => (await getGateway(client, ns, 'kept')) === undefined);
    assert.equal(fake.store.firewalls.get(gw.status?.wafOcid ?? '')?.data.lifecycleState, 'ACTIVE');
    assert.equal(fake.store.policies.get(gw.status?.wafPolicyOcid ?? '')?.data.lifecycleState, 'ACTIVE');
    assert.equal(fake.counts.deletePolicy + fake.counts.deleteFirewall, deletes);
  });

  it('reports a refused key as a condition and recovers once the Secret holds the new key', async function () {
    // The old key is deleted in OCI; the operator's cached clients still sign with it.
    const rotated = generateTestApiKey('operator');
    fake.distrustKey(key.keyId);
    fake.trustKey(rotated.keyId, rotated.publicKeyPem);
    await client.create(RESOURCES.shopGateways, gateway(ns, 'rotated'));
    const refused = await waitFor('NotAuthenticated condition', async () => {
      const g = await getGateway(client, ns, 'rotated');
      return g?.status?.conditions?.find((c) => c.type === 'WafReady' && c.reason === 'NotAuthenticated');
    });
    assert.equal(refused.status, 'False');
    assert.ok(fake.counts.rejectedSignatures > 0);
    await client.mergePatch(RESOURCES.secrets, ns, 'oci-api-key', { data: { fingerprint: b64(rotated.fingerprint), privateKey: b64(rotated.privateKeyPem) } });
    await waitFor('policy created with the new key', async () => (await getGateway(client, ns, 'rotated'))?.status?.wafPolicyOcid);
    key = rotated;
  });

  it('rejects bad specs at apply: flex max below min, a WAF on a non-L7 load balancer, a bad country code', async function () {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ loadBalancer: { type: 'lb', minBandwidthMbps: 400, maxBandwidthMbps: 100 } }, /maxBandwidthMbps must be greater than or equal to/],
      [{ loadBalancer: { type: 'nlb' } }, /waf requires loadBalancer.type lb/],
      [{ waf: { enabled: true, countries: { allow: ['Brazil'] } } }, /ISO 3166-1 alpha-2/],
    ];
    for (const [extra, message] of cases) {
      await assert.rejects(client.create(RESOURCES.shopGateways, gateway(ns, 'bad', extra)), (err: unknown) => {
        assert.ok(err instanceof KubeApiError, String(err));
        assert.equal(err.code, 422);
        assert.match(err.message, message);
        return true;
      });
    }
    // The controller's own check names the same mistakes (objects created before a CRD upgrade).
    assert.ok(Object.keys(loadBalancerAnnotations({ hosts: ['a.example.com'] })).length > 0);
  });
});
