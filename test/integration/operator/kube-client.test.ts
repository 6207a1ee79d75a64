/**
 * The operator's REST client against the real kube-apiserver: calls share pooled TLS connections
 * and credentials are taken from the kubeconfig once per period, not once per call (client-node
 * makes a new connection pool each time it authenticates a request); a 401 makes the next call
 * take the credentials again.
 */
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, KubeClient, RESOURCES } from '../../../operator/runtime/index.ts';
import { kubeconfigPath } from '../../support/engines.ts';
import { adminClient } from './support.ts';

describe('operator runtime: KubeClient on the real kube-apiserver', () => {
  it('serves 200 calls over a few pooled connections with one credentials read', async () => {
    const client = adminClient();
    try {
      for (let i = 0; i < 100; i++) await client.list(RESOURCES.crds);
      await Promise.all(Array.from({ length: 100 }, () => client.request('GET', '/api/v1/namespaces/default')));
      assert.equal(client.authRefreshes, 1, 'credentials are read once for the period');
      // 100 calls in flight at once may open up to 100 connections; what matters is that they are
      // reused: without pooling the 200 calls open 200 connections.
      assert.ok(client.connectionsOpened >= 1 && client.connectionsOpened <= 101, `opened ${client.connectionsOpened} connections`);
      const before = client.connectionsOpened;
      for (let i = 0; i < 50; i++) await client.list(RESOURCES.crds);
      assert.equal(client.connectionsOpened, before, 'sequential calls reuse the open connections');
    } finally {
      await client.close();
    }
  });

  it('takes the credentials again after a 401', async () => {
    // The admin kubeconfig's cluster with a token the API server does not know.
    const admin = new KubeConfig();
    admin.loadFromFile(kubeconfigPath());
    const cluster = admin.getCurrentCluster();
    assert.ok(cluster);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'stranger', token: 'not-a-token' }],
      contexts: [{ name: 'stranger', cluster: cluster.name, user: 'stranger' }],
      currentContext: 'stranger',
    });
    const client = new KubeClient(kc);
    try {
      await assert.rejects(client.list(RESOURCES.crds), (err: unknown) => err instanceof KubeApiError && err.code === 401);
      assert.equal(client.authRefreshes, 1);
      await assert.rejects(client.list(RESOURCES.crds), (err: unknown) => err instanceof KubeApiError && err.code === 401);
      assert.equal(client.authRefreshes, 2, 'a 401 expires the credentials');
    } finally {
      await client.close();
    }
  });
});
