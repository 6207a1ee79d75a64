import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CRDS_DIR, REFERENCE_PATH, renderCrds } from '../../../scripts/gen-crds.ts';
import { renderCrdReference } from '../../../operator/api/v1alpha1/reference.ts';
import type { ShopGatewaySpec, ShopServiceSpec } from '../../../operator/api/v1alpha1/index.ts';

describe('CRDs generated from operator/api/v1alpha1', () => {
  it('match the committed crds/*.yaml (run npx tsx scripts/gen-crds.ts after changing the types)', () => {
    const generated = renderCrds();
    assert.equal(generated.size, 3);
    for (const [name, content] of generated) {
      const committed = readFileSync(join(CRDS_DIR, name), 'utf8');
      assert.equal(committed, content, `${name} differs from the generated CRD`);
    }
  });

  it('docs/crd-reference.md matches the types', () => {
    assert.equal(readFileSync(REFERENCE_PATH, 'utf8'), renderCrdReference(), 'run npx tsx scripts/gen-crds.ts');
  });

  it('carry the status and scale subresources, printer columns and CEL rules', () => {
    const crd = parse(readFileSync(join(CRDS_DIR, 'vitrine.dev_shopservices.yaml'), 'utf8'));
    const version = crd.spec.versions[0];
    assert.deepEqual(version.subresources.scale, {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    });
    const columns = version.additionalPrinterColumns.filter((c: { priority?: number }) => !c.priority).map((c: { name: string }) => c.name);
    assert.deepEqual(columns, ['Ready', 'Replicas', 'Image', 'Age']);
    const spec = version.schema.openAPIV3Schema.properties.spec;
    assert.ok(spec.required.includes('image'));
    const autoscaling = spec.properties.autoscaling;
    assert.match(autoscaling['x-kubernetes-validations'][0].rule, /minReplicas <= self.maxReplicas/);
    assert.equal(autoscaling.properties.targetCPUUtilizationPercentage.maximum, 100);
    assert.equal(autoscaling.properties.scaleUpStabilizationSeconds.default, 120);
    assert.equal(autoscaling.properties.scaleDownStabilizationSeconds.default, 300);
    const gw = parse(readFileSync(join(CRDS_DIR, 'vitrine.dev_shopgateways.yaml'), 'utf8')).spec.versions[0];
    assert.deepEqual(gw.additionalPrinterColumns.map((c: { name: string }) => c.name).slice(0, 3), ['Ready', 'Address', 'WAF']);
  });

  it('samples are valid YAML of the three kinds and type-check as specs', () => {
    const dir = join(CRDS_DIR, 'samples');
    const kinds = new Set<string>();
    for (const file of readdirSync(dir)) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        const obj = doc.toJS() as { apiVersion: string; kind: string; spec: unknown };
        assert.equal(obj.apiVersion, 'vitrine.dev/v1alpha1');
        kinds.add(obj.kind);
      }
    }
    assert.deepEqual([...kinds].sort(), ['ShopGateway', 'ShopPlatform', 'ShopService']);
    // The inferred types accept a minimal spec (compile-time check of the schema builder).
    const svc: ShopServiceSpec = { component: 'cart', image: 'x' };
    const gw: ShopGatewaySpec = { hosts: ['a.example.com'], loadBalancer: { type: 'lb' } };
    assert.ok(svc && gw);
  });
});
