/**
 * Bad specs are rejected by `kubectl apply` with the schema's or the CEL rule's message. Each
 * case names the field and the message a platform team sees.
 */
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import type { KubeClient } from '../../../operator/runtime/index.ts';
import { adminClient, createNamespace, deleteNamespace, installCrds, kubectl } from './support.ts';

const svc = (spec: Record<string, unknown>) => ({
  apiVersion: 'vitrine.dev/v1alpha1',
  kind: 'ShopService',
  metadata: { name: 'bad' },
  spec: { component: 'cart', image: 'img:1', ...spec },
});
const gw = (spec: Record<string, unknown>) => ({
  apiVersion: 'vitrine.dev/v1alpha1',
  kind: 'ShopGateway',
  metadata: { name: 'bad' },
  spec: { hosts: ['shop.example.com'], ...spec },
});
const platform = (spec: Record<string, unknown>) => ({
  apiVersion: 'vitrine.dev/v1alpha1',
  kind: 'ShopPlatform',
  metadata: { name: 'bad' },
  spec: { kafka: { bootstrapServers: ['k:9092'] }, ...spec },
});

/** [case, object, expected message fragment] */
const CASES: [string, Record<string, unknown>, RegExp][] = [
  ['minReplicas above maxReplicas', svc({ autoscaling: { minReplicas: 5, maxReplicas: 2 } }), /autoscaling.minReplicas must be less than or equal to autoscaling.maxReplicas/],
  ['CPU target 0', svc({ autoscaling: { targetCPUUtilizationPercentage: 0 } }), /targetCPUUtilizationPercentage: Invalid value: 0: spec.autoscaling.targetCPUUtilizationPercentage in body should be greater than or equal to 1/],
  ['CPU target 101', svc({ autoscaling: { targetCPUUtilizationPercentage: 101 } }), /should be less than or equal to 100/],
  ['image missing', { ...svc({}), spec: { component: 'cart' } }, /spec.image: Required value/],
  ['image blank', svc({ image: '   ' }), /image must not be blank/],
  ['unknown component', svc({ component: 'billing' }), /spec.component: Unsupported value: "billing"/],
  ['env with value and secretKeyRef', svc({ env: [{ name: 'A', value: 'x', secretKeyRef: { name: 's', key: 'k' } }] }), /set exactly one of value and secretKeyRef/],
  ['PDB with both fields', svc({ disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }), /set minAvailable or maxUnavailable, not both/],
  ['event name not past-tense dotted', svc({ events: { consumes: ['OrderPlaced'] } }), /spec.events.consumes\[0\]: Invalid value: "OrderPlaced"/],
  ['port 70000', svc({ port: 70000 }), /spec.port: Invalid value: 70000/],
  ['flex max below min', gw({ loadBalancer: { minBandwidthMbps: 100, maxBandwidthMbps: 10 } }), /maxBandwidthMbps must be greater than or equal to loadBalancer.minBandwidthMbps/],
  ['WAF on a network load balancer', gw({ loadBalancer: { type: 'nlb' }, waf: { enabled: true } }), /waf requires loadBalancer.type lb/],
  ['lower-case country code', gw({ waf: { countries: { allow: ['br'] } } }), /country codes must be ISO 3166-1 alpha-2/],
  ['three-letter country code', gw({ waf: { countries: { deny: ['BRA'] } } }), /country codes must be ISO 3166-1 alpha-2/],
  ['countries allow and deny', gw({ waf: { countries: { allow: ['BR'], deny: ['US'] } } }), /set allow or deny, not both/],
  ['unknown WAF protection', gw({ waf: { protections: ['csrf'] } }), /Unsupported value: "csrf"/],
  ['redirect code 303', gw({ redirects: [{ path: '/a', to: '/b', code: 303 }] }), /redirect code must be one of 301, 302, 307, 308/],
  ['no hosts', gw({ hosts: [] }), /spec.hosts: Invalid value: 0: spec.hosts in body should have at least 1 items/],
  ['Kafka without brokers', platform({ kafka: { bootstrapServers: [] } }), /bootstrapServers in body should have at least 1 items/],
  ['OCI apiKey auth without a Secret', platform({ oci: { region: 'sa-saopaulo-1', compartmentId: 'ocid1.compartment.oc1..x', auth: 'apiKey' } }), /oci.apiKeySecretRef is required when oci.auth is apiKey/],
  ['topic deletion policy typo', platform({ topics: { deletionPolicy: 'Destroy' } }), /Unsupported value: "Destroy"/],
];

describe('operator: bad specs are rejected by kubectl apply (schema and CEL)', function () {
  this.timeout(60_000);
  let admin: KubeClient;
  let ns: string;

  before(async () => {
    admin = adminClient();
    await installCrds(admin);
    ns = await createNamespace(admin, 'op-val');
  });
  after(async () => {
    await deleteNamespace(admin, ns).catch(() => undefined);
  });

  for (const [name, obj, expected] of CASES) {
    it(`rejects: ${name}`, () => {
      const r = kubectl(['apply', '-n', ns, '-f', '-'], stringify(obj));
      assert.notEqual(r.status, 0, `accepted: ${r.stdout}`);
      assert.match(r.stderr, expected);
    });
  }

  it('accepts every sample (the rules do not reject good specs)', () => {
    const r = kubectl(['apply', '--dry-run=server', '-n', ns, '-f', 'crds/samples/']);
    assert.equal(r.status, 0, r.stderr);
  });
});
