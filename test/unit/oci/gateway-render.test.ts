/** Rendering of the gateway's children and the up-front spec checks. */
import assert from 'node:assert/strict';
import type { ShopGatewaySpec } from '../../../operator/api/v1alpha1/index.ts';
import { gatewayConfig } from '../../../operator/render/gateway-config.ts';
import { parseGatewayConfig } from '../../../services/gateway/config/schema.ts';
import { loadBalancerAnnotations, OCI_LB_ANNOTATIONS, renderGatewayService, validateGatewaySpec } from '../../../operator/render/gateway-service.ts';
import { CONFIG_HASH_ANNOTATION, renderGatewayDeployment, renderGatewayHpa } from '../../../operator/render/gateway-workload.ts';

const owner = { namespace: 'shop', name: 'edge' };
const SUBNET = 'ocid1.subnet.oc1.sa-saopaulo-1.aaaa';
const NSG = 'ocid1.networksecuritygroup.oc1.sa-saopaulo-1.bbbb';

describe('gateway Service', function () {
  it('carries exactly the OCI cloud-controller annotations of an L7 flexible load balancer', function () {
    const spec: ShopGatewaySpec = {
      hosts: ['shop.example.com'], tls: { secretName: 'shop-tls' },
      loadBalancer: { type: 'lb', shape: 'flexible', minBandwidthMbps: 10, maxBandwidthMbps: 100, internal: true, subnetIds: [SUBNET], nsgIds: [NSG] },
    };
    assert.deepEqual(loadBalancerAnnotations(spec), {
      'oci.oraclecloud.com/load-balancer-type': 'lb',
      'service.beta.kubernetes.io/oci-load-balancer-shape': 'flexible',
      'service.beta.kubernetes.io/oci-load-balancer-shape-flex-min': '10',
      'service.beta.kubernetes.io/oci-load-balancer-shape-flex-max': '100',
      'service.beta.kubernetes.io/oci-load-balancer-backend-protocol': 'HTTP',
      'service.beta.kubernetes.io/oci-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/oci-load-balancer-subnet1': SUBNET,
      'oci.oraclecloud.com/oci-network-security-groups': NSG,
      'service.beta.kubernetes.io/oci-load-balancer-ssl-ports': '443',
      'service.beta.kubernetes.io/oci-load-balancer-tls-secret': 'shop-tls',
    });
    const svc = renderGatewayService(owner, spec);
    assert.equal(svc.spec?.type, 'LoadBalancer');
    assert.deepEqual(svc.spec?.ports?.map((p) => p.port), [80, 443]);
  });

  it('uses the defaults for a bare spec and leaves out what was not asked for', function () {
    const a = loadBalancerAnnotations({ hosts: ['x.example.com'] });
    assert.equal(a[OCI_LB_ANNOTATIONS.flexMin], '10');
    assert.equal(a[OCI_LB_ANNOTATIONS.flexMax], '100');
    assert.equal(a[OCI_LB_ANNOTATIONS.internal], undefined);
    assert.equal(a[OCI_LB_ANNOTATIONS.tlsSecret], undefined);
  });
});

describe('network load balancer annotations', function () {
  it('uses the NLB names and no shape, backend protocol or TLS', function () {
    assert.deepEqual(loadBalancerAnnotations({ hosts: ['a.example.com'], loadBalancer: { type: 'nlb', internal: true, subnetIds: [SUBNET], nsgIds: [NSG] } }), {
      'oci.oraclecloud.com/load-balancer-type': 'nlb',
      'oci-network-load-balancer.oraclecloud.com/internal': 'true',
      'oci-network-load-balancer.oraclecloud.com/subnet': SUBNET,
      'oci-network-load-balancer.oraclecloud.com/oci-network-security-groups': NSG,
    });
    assert.match(validateGatewaySpec({ hosts: ['a.example.com'], tls: { secretName: 't' }, loadBalancer: { type: 'nlb' } }).join(), /does not terminate TLS/);
  });
});

describe('validateGatewaySpec', function () {
  it('accepts the sample-like spec', function () {
    assert.deepEqual(validateGatewaySpec({ hosts: ['a.example.com'], waf: { countries: { allow: ['BR'] } } }), []);
  });
  it('rejects flex max below min, a WAF on an nlb and a bad country code, naming the fields', function () {
    const errors = validateGatewaySpec({
      hosts: ['a.example.com'],
      loadBalancer: { type: 'nlb', minBandwidthMbps: 100, maxBandwidthMbps: 50 },
      waf: { enabled: true, countries: { allow: ['br'] } },
    });
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.match(errors[0]!, /maxBandwidthMbps: 50 is below minBandwidthMbps 100/);
    assert.match(errors[1]!, /waf: an OCI WAF needs loadBalancer.type lb/);
    assert.match(errors[2]!, /waf.countries.allow: "br"/);
  });
});

describe('gateway workload and config', function () {
  it('never sets replicas (the HPA owns them) and rolls pods when the config changes', function () {
    const a = renderGatewayDeployment(owner, { image: 'img:1' }, '{"a":1}');
    const b = renderGatewayDeployment(owner, { image: 'img:1' }, '{"a":2}');
    assert.equal(a.spec?.replicas, undefined);
    assert.notEqual(a.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION], b.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]);
    const hpa = renderGatewayHpa(owner, { image: 'img:1' });
    assert.equal(hpa.spec?.behavior?.scaleUp?.stabilizationWindowSeconds, 120);
    assert.equal(hpa.spec?.behavior?.scaleDown?.stabilizationWindowSeconds, 300);
  });

  it('routes to the ShopServices by their ports and carries the in-pod WAF policy', function () {
    const config = gatewayConfig(owner, {
      hosts: ['shop.example.com'],
      routes: [{ pathPrefix: '/api/catalog', service: 'catalog' }, { pathPrefix: '/api/orders', service: 'orders', stripPrefix: true }],
      redirects: [{ path: '/old', to: '/new' }],
      waf: { mode: 'Detect', countries: { deny: ['KP'] }, maxBodyBytes: 4096 },
    }, new Map([['catalog', 9000]]));
    assert.deepEqual(config.upstreams, { catalog: { url: 'http://catalog.shop.svc:9000' }, orders: { url: 'http://orders.shop.svc:8080' } });
    assert.equal(config.redirects[0]?.code, 302);
    assert.deepEqual(config.waf, { enabled: true, mode: 'detect', maxBodyBytes: 4096, countryDeny: ['KP'], ownHosts: ['shop.example.com'] });
    assert.deepEqual(gatewayConfig(owner, { hosts: ['x.example.com'], waf: { enabled: false } }).waf, { enabled: false });
    // The gateway itself accepts what the operator writes (the contract between the two).
    const parsed = parseGatewayConfig(JSON.parse(JSON.stringify(config)));
    assert.equal(parsed.routes[1]?.stripPrefix, true);
    assert.equal(parsed.waf.mode, 'detect');
    assert.deepEqual(parsed.waf.countryDeny, ['KP']);
    // No waf block: no OCI WAF, but the pods keep the gateway's default protections.
    assert.equal(parseGatewayConfig(gatewayConfig(owner, { hosts: ['x.example.com'] })).waf.enabled, true);
  });
});

describe('gatewayOptionsFromEnv', function () {
  it('reads the endpoint overrides and delays, and names a bad variable', async function () {
    const { gatewayOptionsFromEnv } = await import('../../../operator/controllers/shop-gateway-controller.ts');
    const opts = gatewayOptionsFromEnv({ VITRINE_OCI_WAF_ENDPOINT: 'http://127.0.0.1:1', VITRINE_OCI_POLL_MS: '250', VITRINE_IMAGE: 'img:2' });
    assert.deepEqual(opts.oci, { wafEndpoint: 'http://127.0.0.1:1' });
    assert.deepEqual(opts.timings, { pollMs: 250 });
    assert.equal(opts.gatewayImage, 'img:2');
    assert.throws(() => gatewayOptionsFromEnv({ VITRINE_OCI_LB_WAIT_MS: 'soon' }), /VITRINE_OCI_LB_WAIT_MS must be a positive integer/);
  });
});
