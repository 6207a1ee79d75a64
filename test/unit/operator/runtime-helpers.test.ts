import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { isSubset, withOwnership, APPLIED_HASH_ANNOTATION, OWNER_LABEL } from '../../../operator/runtime/apply.ts';
import { nextConditions, readyCondition } from '../../../operator/runtime/conditions.ts';

describe('isSubset (the "already applied" check)', () => {
  it('accepts fields the server or a person added and rejects a changed value', () => {
    const desired = { spec: { template: { spec: { containers: [{ name: 'app', image: 'a:1' }] } } } };
    const observed = {
      metadata: { annotations: { 'someone/added': 'x' } },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'a:1', imagePullPolicy: 'IfNotPresent' }] } } },
    };
    assert.equal(isSubset(desired, observed), true);
    const drifted = structuredClone(observed);
    (drifted.spec.template.spec.containers[0] as { image: string }).image = 'evil:1';
    assert.equal(isSubset(desired, drifted), false);
  });

  it('treats a missing list item or object as drift and matches quantities as strings', () => {
    assert.equal(isSubset({ ports: [{ port: 80 }, { port: 81 }] }, { ports: [{ port: 80 }] }), false);
    assert.equal(isSubset({ a: { b: 1 } }, {}), false);
    assert.equal(isSubset({ cpu: '1' }, { cpu: 1 }), true);
  });

  it('matches zero values the API server omits (hostNetwork: false, minReadySeconds: 0, externalIPs: [])', () => {
    assert.equal(isSubset({ spec: { minReadySeconds: 0, hostNetwork: false, externalIPs: [] } }, { spec: {} }), true);
    assert.equal(isSubset({ spec: { minReadySeconds: 5 } }, { spec: {} }), false);
  });
});

describe('withOwnership', () => {
  const owner = { apiVersion: 'vitrine.dev/v1alpha1', kind: 'ShopService', metadata: { name: 'cart', namespace: 'ns', uid: 'u1' } };
  it('sets the controller owner reference, labels and a hash that follows the content', () => {
    const a = withOwnership<KubernetesObject & { spec: unknown }>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart' }, spec: { ports: [{ port: 80 }] } }, owner);
    const b = withOwnership<KubernetesObject & { spec: unknown }>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart' }, spec: { ports: [{ port: 81 }] } }, owner);
    assert.deepEqual(a.metadata?.ownerReferences, [
      { apiVersion: 'vitrine.dev/v1alpha1', kind: 'ShopService', name: 'cart', uid: 'u1', controller: true, blockOwnerDeletion: true },
    ]);
    assert.equal(a.metadata?.labels?.[OWNER_LABEL], 'shopservice.cart');
    assert.notEqual(a.metadata?.annotations?.[APPLIED_HASH_ANNOTATION], b.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]);
  });
  it('refuses an owner without a uid', () => {
    assert.throws(() => withOwnership({ metadata: { name: 'x' } }, { ...owner, metadata: { name: 'cart' } }), /needs apiVersion, kind, name and uid/);
  });
});

describe('conditions', () => {
  it('keeps lastTransitionTime while the status stays, changes it on a flip', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const first = nextConditions(undefined, [{ type: 'Available', status: 'False', reason: 'Waiting', message: 'm' }], 1, t0);
    const same = nextConditions(first, [{ type: 'Available', status: 'False', reason: 'Waiting', message: 'm2' }], 2, new Date('2026-01-01T00:01:00Z'));
    assert.equal(same[0]?.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.equal(same[0]?.observedGeneration, 2);
    const flipped = nextConditions(same, [{ type: 'Available', status: 'True', reason: 'Ok', message: '' }], 2, new Date('2026-01-01T00:02:00Z'));
    assert.equal(flipped[0]?.lastTransitionTime, '2026-01-01T00:02:00Z');
  });

  it('rolls up Ready from the first unhealthy condition', () => {
    assert.equal(readyCondition([{ type: 'A', status: 'True', reason: 'Ok', message: '' }]).status, 'True');
    const r = readyCondition([
      { type: 'A', status: 'True', reason: 'Ok', message: '' },
      { type: 'Degraded', status: 'True', reason: 'KedaMissing', message: 'no KEDA' },
    ], ['Degraded']);
    assert.equal(r.status, 'False');
    assert.equal(r.reason, 'KedaMissing');
  });
});
