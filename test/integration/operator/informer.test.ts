/**
 * The informer heals itself against a real kube-apiserver: a dropped watch resumes, a 410 Gone
 * (an ancient resourceVersion) relists and emits what it missed, a silent watch is aborted by the
 * watchdog and replaced.
 */
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Informer, RESOURCES, createLogger, type KubeClient } from '../../../operator/runtime/index.ts';
import { adminClient, createNamespace, deleteNamespace, waitFor } from './support.ts';

describe('operator runtime: self-healing informer (real kube-apiserver)', function () {
  this.timeout(30_000);
  let admin: KubeClient;
  let ns: string;
  const log = createLogger('informer-test', 'silent');
  const cm = (name: string): KubernetesObject =>
    ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: '1' } }) as KubernetesObject;

  before(async () => {
    admin = adminClient();
    ns = await createNamespace(admin, 'op-inf');
  });
  after(async () => {
    await deleteNamespace(admin, ns).catch(() => undefined);
  });

  it('resumes after a dropped watch, relists on 410 Gone and survives a stalled watch', async () => {
    const inf = new Informer<KubernetesObject>(admin, RESOURCES.configMaps, { namespace: ns, log, stallMs: 1500, watchTimeoutSeconds: 60 });
    const seen: string[] = [];
    inf.on((type, obj) => seen.push(`${type}:${obj.metadata?.name}`));
    await admin.create(RESOURCES.configMaps, cm('before'));
    await inf.start();
    assert.ok(inf.get(ns, 'before'), 'initial list cached');

    // A dropped connection: the next watch resumes from the last resourceVersion.
    inf.interrupt();
    await admin.create(RESOURCES.configMaps, cm('after-drop'));
    await waitFor('event after a dropped watch', () => seen.includes('add:after-drop'));

    // An ancient resourceVersion: the API server answers 410 Gone; the informer relists and
    // emits the delete it missed while it was not watching.
    inf.stop();
    await admin.delete(RESOURCES.configMaps, ns, 'before');
    await admin.create(RESOURCES.configMaps, cm('while-away'));
    const relists = inf.stats.relistsOnGone;
    inf.interrupt('1');
    void inf.start();
    await waitFor('relist on 410', () => inf.stats.relistsOnGone > relists);
    await waitFor('missed events emitted', () => seen.includes('delete:before') && seen.includes('add:while-away'));
    assert.equal(inf.get(ns, 'before'), undefined);

    // Nothing happens in the namespace: the watchdog aborts the silent watch after 1.5 s and a new
    // one takes over; later events still arrive and the informer reports healthy.
    const stalls = inf.stats.stalls;
    await waitFor('watchdog fired', () => inf.stats.stalls > stalls, 10_000);
    await admin.create(RESOURCES.configMaps, cm('after-stall'));
    await waitFor('event after a stall', () => seen.includes('add:after-stall'), 10_000);
    assert.equal(inf.healthy, true);
    inf.stop();
  });
});
