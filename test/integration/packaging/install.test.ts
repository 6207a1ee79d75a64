/**
 * The synthesized manifests against the real kube-apiserver: a server-side dry run of the whole
 * operator install and sample shop; then the install applied for real and the operator, running as
 * its own least-privilege ServiceAccount, reconciling the sample shop's ShopServices.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { OperatorInstall } from '../../../cdk8s/operator-install.ts';
import { SampleShop } from '../../../cdk8s/sample-shop.ts';
import { kafkaBrokers, kubeconfigPath } from '../../support/engines.ts';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function kubectl(args: string[], kubeconfig = kubeconfigPath()): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 16 * 2 ** 20 });
  return stdout;
}

describe('packaging on the real kube-apiserver', function () {
  this.timeout(120_000);
  const id = randomBytes(3).toString('hex');
  const opNs = `vitrine-system-${id}`;
  const shopNs = `shop-${id}`;
  let dir = '';
  let operatorFile = '';
  let shopFile = '';
  let operator: ChildProcess | undefined;
  let operatorLog = '';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vitrine-pkg-'));
    const app = new App({ outdir: dir });
    new OperatorInstall(app, 'vitrine-operator', { namespace: opNs, replicas: 1 });
    new SampleShop(app, 'sample-shop', { namespace: shopNs, kafkaBootstrapServers: kafkaBrokers() });
    app.synth();
    operatorFile = path.join(dir, 'vitrine-operator.k8s.yaml');
    shopFile = path.join(dir, 'sample-shop.k8s.yaml');
    // Custom objects and namespaced objects need their CRDs and namespaces to exist even in a dry run.
    await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'vitrine-tests', '-f', 'crds/']);
    await kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', 'crd/shopservices.vitrine.dev', 'crd/shopplatforms.vitrine.dev', 'crd/shopgateways.vitrine.dev']);
    await kubectl(['create', 'namespace', opNs]);
    await kubectl(['create', 'namespace', shopNs]);
  });

  after(async () => {
    operator?.kill('SIGTERM');
    await kubectl(['delete', 'namespace', opNs, shopNs, '--wait=false']).catch(() => undefined);
    await kubectl(['delete', 'clusterrolebinding', 'vitrine-operator', '--ignore-not-found']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && operatorLog) console.log(operatorLog.split('\n').slice(-30).join('\n'));
  });

  it('passes a server-side dry run: every object of the operator install and the sample shop', async () => {
    for (const file of [operatorFile, shopFile]) {
      const out = await kubectl(['apply', '--server-side', '--dry-run=server', '--field-manager', 'vitrine-tests', '-f', file]);
      const docs = parseAllDocuments(readFileSync(file, 'utf8')).filter((d) => d.contents);
      const applied = out.trim().split('\n').filter((l) => /serverside-applied/.test(l));
      assert.equal(applied.length, docs.length, `every object of ${path.basename(file)} is accepted:\n${out}`);
    }
  });

  it('installs the operator and reconciles the sample shop as the least-privilege ServiceAccount', async () => {
    await kubectl(['apply', '--server-side', '--field-manager', 'vitrine-tests', '-f', operatorFile]);
    await kubectl(['apply', '--server-side', '--field-manager', 'vitrine-tests', '-f', shopFile]);
    // The operator runs here as a process (no kubelet in the test cluster) with its own account's token.
    const token = (await kubectl(['-n', opNs, 'create', 'token', 'vitrine-operator', '--duration', '10m'])).trim();
    const admin = JSON.parse(await kubectl(['config', 'view', '--raw', '-o', 'json'])) as {
      clusters: { cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
    };
    const cluster = admin.clusters[0]!.cluster;
    const saConfig = path.join(dir, 'operator.kubeconfig');
    writeFileSync(saConfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'op',
      clusters: [{ name: 'test', cluster }],
      users: [{ name: 'op', user: { token } }],
      contexts: [{ name: 'op', context: { cluster: 'test', user: 'op' } }],
    }));
    operator = spawn(path.resolve('node_modules/.bin/tsx'), ['operator/main.ts'], {
      env: {
        ...process.env, KUBECONFIG: saConfig, WATCH_NAMESPACE: shopNs, LEADER_ELECTION: 'true',
        LEADER_ELECTION_NAMESPACE: opNs, HEALTH_PORT: '0', LOG_LEVEL: 'warn', CONTROLLERS: 'shopplatform,shopservice',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    operator.stdout?.on('data', (b: Buffer) => { operatorLog += b.toString(); });
    operator.stderr?.on('data', (b: Buffer) => { operatorLog += b.toString(); });

    const want = ['cart', 'catalog', 'identity', 'integrations', 'inventory', 'notifications', 'orders', 'payments', 'shipping'];
    type Svc = { metadata: { name: string; generation: number }; status?: { observedGeneration?: number } };
    const deadline = Date.now() + 90_000;
    let names: string[] = [];
    let behind: string[] = want;
    while (Date.now() < deadline) {
      const list = JSON.parse(await kubectl(['-n', shopNs, 'get', 'deployments', '-o', 'json'])) as { items: { metadata: { name: string } }[] };
      names = list.items.map((d) => d.metadata.name).sort();
      const svcs = JSON.parse(await kubectl(['-n', shopNs, 'get', 'shopservices', '-o', 'json'])) as { items: Svc[] };
      behind = svcs.items.filter((s) => s.status?.observedGeneration !== s.metadata.generation).map((s) => s.metadata.name);
      if (want.every((w) => names.includes(w)) && behind.length === 0) break;
      await sleep(1000);
    }
    assert.deepEqual(want.filter((w) => !names.includes(w)), [], `deployments made: ${names.join(', ')}`);
    assert.deepEqual(behind, [], 'every ShopService status is at its current generation');
  });
});
