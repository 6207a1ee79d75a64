/**
 * A private etcd + kube-apiserver for the operator benchmark: an empty store, so that what the
 * suites left in the shared API server (objects, watchers, Service addresses) does not weigh on the
 * figures. It uses a /16 Service range and the same binaries, certificates and admin credentials
 * (read from the engines' state directory), on free ports, with its data in a temporary directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/** A running private API server. */
export interface BenchCluster {
  readonly kubeconfig: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });
}

/** Starts etcd and kube-apiserver; resolves once /readyz answers. */
export async function startBenchCluster(): Promise<BenchCluster> {
  const cache = process.env.VITRINE_CACHE ?? join(homedir(), '.cache/vitrine');
  const state = process.env.VITRINE_STATE ?? join(cache, 'state');
  const bin = join(cache, 'bin');
  const certs = join(state, 'kube/certs');
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-bench-kube-'));
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcd = spawn(
    join(bin, 'etcd'),
    [
      '--name', 'bench', '--data-dir', join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-cluster', `bench=http://127.0.0.1:${peerPort}`, '--unsafe-no-fsync', '--log-level', 'error',
    ],
    { stdio: 'ignore' },
  );
  const api = spawn(
    join(bin, 'kube-apiserver'),
    [
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--etcd-servers=http://127.0.0.1:${etcdPort}`, `--cert-dir=${join(dir, 'certs')}`,
      `--tls-cert-file=${join(certs, 'apiserver.crt')}`, `--tls-private-key-file=${join(certs, 'apiserver.key')}`,
      `--client-ca-file=${join(certs, 'ca.crt')}`, '--authorization-mode=RBAC', '--allow-privileged=true',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(certs, 'sa.pub')}`, `--service-account-signing-key-file=${join(certs, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16', '--disable-admission-plugins=ServiceAccount',
      '--endpoint-reconciler-type=none', '--profiling=false',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let apiLog = '';
  api.stderr?.on('data', (c: Buffer) => (apiLog = (apiLog + c.toString()).slice(-4000)));
  const adminCfg = parse(readFileSync(join(state, 'kubeconfig'), 'utf8')) as { clusters: { cluster: { server: string } }[] };
  for (const c of adminCfg.clusters) c.cluster.server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, stringify(adminCfg), { mode: 0o600 });
  const stop = async (): Promise<void> => {
    await stopProcess(api);
    await stopProcess(etcd);
    rmSync(dir, { recursive: true, force: true });
  };
  const { KubeClient, loadKubeConfig } = await import('../operator/runtime/index.ts');
  const client = new KubeClient(loadKubeConfig(kubeconfig));
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const ready = await client.raw('GET', '/readyz', { signal: AbortSignal.timeout(5000) });
      if (ready.status !== 200) throw new Error(`readyz ${ready.status}: ${await ready.text()}`);
      // RBAC bootstrap roles are in place once the default ClusterRoles exist.
      await client.request('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/cluster-admin');
      return { kubeconfig, stop };
    } catch (err) {
      if (Date.now() > deadline || api.exitCode !== null) {
        await stop();
        throw new Error(`bench kube-apiserver did not become ready: ${String(err)}\n${apiLog}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
