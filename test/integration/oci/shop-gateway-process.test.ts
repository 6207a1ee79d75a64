/**
 * The ShopGateway controller as it ships: `operator/main.ts` in child processes, authenticated as
 * the least-privilege ServiceAccount (operator/rbac.ts), talking to the OCI fake through the
 * endpoint overrides. Two SIGKILLs at the worst moments (right after an OCID reached status, and
 * while the firewall's work request runs) must still give exactly one policy and one firewall;
 * `kubectl apply` must refuse bad specs with the CRD's messages.
 */
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { ShopGateway } from '../../../operator/api/v1alpha1/index.ts';
import { KubeApiError, RESOURCES, type KubeClient } from '../../../operator/runtime/index.ts';
import { generateTestApiKey, startOciFake, type OciFake } from '../../support/oci-fake/index.ts';
import { kubectl, operatorKubeconfig, startOperator, type OperatorProcess } from '../operator/support.ts';
import { createNamespace, deleteNamespace, installCrds, kubeClient, waitFor } from './kube-helpers.ts';

const COMPARTMENT = 'ocid1.compartment.oc1..gatewayprocess';

function b64(value: string): string {
  return Buffer.from(value).toString('base64');
}

function gatewayManifest(namespace: string, name: string, spec: Record<string, unknown> = {}): KubernetesObject & { spec: Record<string, unknown> } {
  return {
    apiVersion: 'vitrine.dev/v1alpha1', kind: 'ShopGateway', metadata: { name, namespace },
    spec: {
      hosts: ['rastreio.example.com'],
      loadBalancer: { type: 'lb', minBandwidthMbps: 10, maxBandwidthMbps: 50 },
      waf: { enabled: true, mode: 'Block', countries: { allow: ['BR'] }, rateLimit: { requestsPerMinute: 300 } },
      ...spec,
    },
  };
}

async function gatewayStatus(client: KubeClient, ns: string, name: string): Promise<ShopGateway | undefined> {
  try {
    return await client.get<ShopGateway & KubernetesObject>(RESOURCES.shopGateways, ns, name);
  } catch (err) {
    if (err instanceof KubeApiError && err.notFound) return undefined;
    throw err;
  }
}

describe('ShopGateway in the operator process, as its ServiceAccount, killed twice', function () {
  this.timeout(150_000);
  let admin: KubeClient;
  let fake: OciFake;
  let ns: string;
  let env: Record<string, string>;
  let cleanupRbac: (() => Promise<void>) | undefined;
  let operator: OperatorProcess | undefined;
  /** Every operator process started, for the check of their output. */
  const started: OperatorProcess[] = [];

  async function startOne(): Promise<void> {
    operator = startOperator(env);
    started.push(operator);
    await operator.started;
  }

  before(async function () {
    admin = kubeClient();
    await installCrds(admin);
    ns = await createNamespace(admin, 'gwproc');
    const kubeconfig = await operatorKubeconfig(admin, ns);
    cleanupRbac = kubeconfig.cleanup;
    const key = generateTestApiKey('process');
    fake = await startOciFake();
    fake.trustKey(key.keyId, key.publicKeyPem);
    fake.store.workRequestDurationMs = 800;
    env = {
      KUBECONFIG: kubeconfig.path, WATCH_NAMESPACE: ns, LEADER_ELECTION: 'false', CONTROLLERS: 'shopgateway',
      VITRINE_OCI_WAF_ENDPOINT: fake.url, VITRINE_OCI_LB_ENDPOINT: fake.url, VITRINE_OCI_POLL_MS: '200', VITRINE_OCI_LB_WAIT_MS: '300',
      VITRINE_IMAGE: 'registry.example.com/vitrine:test',
    };
    await admin.create(RESOURCES.secrets, {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oci-key', namespace: ns },
      data: { tenancy: b64(key.tenancy), user: b64(key.user), fingerprint: b64(key.fingerprint), privateKey: b64(key.privateKeyPem) },
    } as KubernetesObject);
    await admin.create(RESOURCES.shopPlatforms, {
      apiVersion: 'vitrine.dev/v1alpha1', kind: 'ShopPlatform', metadata: { name: 'platform', namespace: ns },
      spec: { kafka: { bootstrapServers: ['127.0.0.1:9092'] }, oci: { region: 'sa-saopaulo-1', compartmentId: COMPARTMENT, auth: 'apiKey', apiKeySecretRef: { name: 'oci-key' } } },
    } as KubernetesObject);
    await startOne();
  });

  afterEach(function () {
    // A failure here is usually a timing one: show what the operators said.
    if (this.currentTest?.state !== 'failed') return;
    started.forEach((p, i) => process.stderr.write(`--- operator ${i + 1} (${p.identity}), last lines:\n${p.logs().split('\n').slice(-40).join('\n')}\n`));
  });

  after(async function () {
    await operator?.stop();
    await fake?.close();
    await cleanupRbac?.();
    if (ns) await deleteNamespace(admin, ns);
  });

  it('converges to one policy and one firewall through 429s, 500s and two SIGKILLs, then deletes both', async function () {
    fake.inject({ operation: 'CreateWebAppFirewallPolicy', status: 429, retryAfterS: 1 });
    fake.inject({ operation: 'CreateWebAppFirewallPolicy', status: 500, afterCommit: true });
    fake.inject({ operation: 'ListLoadBalancers', status: 500, times: 2 });
    fake.inject({ operation: 'CreateWebAppFirewall', status: 429, retryAfterS: 1 });
    await admin.create(RESOURCES.shopGateways, gatewayManifest(ns, 'track'));

    await waitFor('policy OCID in status', async () => (await gatewayStatus(admin, ns, 'track'))?.status?.wafPolicyOcid);
    await operator?.kill();
    await startOne();

    await waitFor('Service', () => admin.get(RESOURCES.services, ns, 'track-gateway'));
    const lbId = fake.addLoadBalancer({ compartmentId: COMPARTMENT, ipAddress: '203.0.113.77' });
    await admin.mergePatch(RESOURCES.services, ns, 'track-gateway', { status: { loadBalancer: { ingress: [{ ip: '203.0.113.77' }] } } }, 'status');

    // The firewall's OCID is in status as soon as OCI accepted the create, before its work request
    // ends (800 ms here): the kill lands mid-work, or at worst just after it, never before the create.
    await waitFor('firewall create accepted', async () => {
      const st = (await gatewayStatus(admin, ns, 'track'))?.status;
      return st?.workRequest?.operation === 'CreateWebAppFirewall' || st?.wafOcid !== undefined;
    });
    await operator?.kill();
    await startOne();

    const ready = await waitFor('Ready', async () => {
      const gw = await gatewayStatus(admin, ns, 'track');
      return gw?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? gw : undefined;
    }, 60_000);
    assert.equal(fake.counts.createPolicy, 1);
    assert.equal(fake.counts.createFirewall, 1);
    assert.equal(ready.status?.lbOcid, lbId);
    assert.equal(ready.status?.address, '203.0.113.77');
    const deployment = await admin.get<KubernetesObject & { spec: { template: { spec: { containers: { image: string }[] } } } }>(RESOURCES.deployments, ns, 'track-gateway');
    assert.equal(deployment.spec.template.spec.containers[0]?.image, 'registry.example.com/vitrine:test');
    assert.equal(fake.counts.rejectedSignatures, 0, 'every request of the operator was signed with the Secret\'s key');

    await admin.delete(RESOURCES.shopGateways, ns, 'track');
    await waitFor('ShopGateway gone', async () => (await gatewayStatus(admin, ns, 'track')) === undefined, 60_000);
    assert.equal(fake.store.livePolicies().length, 0);
    assert.equal(fake.store.liveFirewalls().length, 0);

    // The SDK's retrier reported the injected failures with console.warn; the operator's output is
    // still one JSON object per line, and none of it holds the API key.
    const lines = started.flatMap((p) => p.logs().split('\n')).filter((l) => l.trim() !== '');
    const notJson = lines.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    assert.deepEqual(notJson, [], 'operator output lines that are not JSON');
    assert.ok(lines.some((l) => l.includes('"source":"console"')), 'the injected OCI failures were reported through the logger');
  });

  it('kubectl apply refuses bad specs with the CRD messages', function () {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ loadBalancer: { type: 'lb', minBandwidthMbps: 500, maxBandwidthMbps: 100 } }, /maxBandwidthMbps must be greater than or equal to/],
      [{ loadBalancer: { type: 'nlb' } }, /waf requires loadBalancer\.type lb/],
      [{ waf: { enabled: true, countries: { deny: ['XYZ'] } } }, /ISO 3166-1 alpha-2/],
    ];
    for (const [spec, message] of cases) {
      const r = kubectl(['apply', '-f', '-'], stringify(gatewayManifest(ns, 'bad', spec)));
      assert.notEqual(r.status, 0, `accepted: ${JSON.stringify(spec)}`);
      assert.match(r.stderr, message);
    }
  });
});
