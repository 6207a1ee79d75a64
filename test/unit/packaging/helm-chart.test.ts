/**
 * One source of truth: `helm template` of charts/vitrine-operator with its default values renders
 * the same objects as the cdk8s app's operator install (cdk8s/operator-install.ts).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { OperatorInstall } from '../../../cdk8s/operator-install.ts';
import { helmPath } from '../../support/tools.ts';

const run = promisify(execFile);
type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: { template?: { metadata?: { labels?: Record<string, string> } } } };

/** Drops what only one side writes: the cdk8s construct-address label; sorts by kind and name. */
function normalize(objs: Obj[]): Obj[] {
  const copy = JSON.parse(JSON.stringify(objs)) as Obj[];
  for (const o of copy) {
    for (const labels of [o.metadata.labels, o.spec?.template?.metadata?.labels]) {
      if (labels) delete labels['cdk8s.io/metadata.addr'];
    }
  }
  return copy.sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

async function helmTemplate(args: string[] = []): Promise<Obj[]> {
  const { stdout } = await run(helmPath(), [
    'template', 'vitrine-operator', 'charts/vitrine-operator', '--namespace', 'vitrine-system', '--include-crds', '--kube-version', '1.34.0', ...args,
  ], { maxBuffer: 32 * 2 ** 20 });
  return parseAllDocuments(stdout).map((d) => d.toJSON() as Obj).filter(Boolean);
}

describe('Helm chart vs the cdk8s app', function () {
  this.timeout(30_000);

  it('renders the same objects as cdk8s with the default values (the Namespace is Helm\'s --create-namespace)', async () => {
    const fromCdk8s = (Testing.synth(new OperatorInstall(Testing.app(), 'op')) as Obj[]).filter((o) => o.kind !== 'Namespace');
    const fromHelm = await helmTemplate();
    assert.deepEqual(normalize(fromHelm), normalize(fromCdk8s));
  });

  it('takes values: image, replicas, watched namespace', async () => {
    const objs = await helmTemplate(['--set', 'image.tag=9.9.9', '--set', 'replicaCount=3', '--set', 'watchNamespace=shop']);
    const dep = objs.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { replicas: number; template: { spec: { containers: { image: string; env: { name: string; value?: string }[] }[] } } };
    };
    assert.equal(dep.spec.replicas, 3);
    assert.equal(dep.spec.template.spec.containers[0]?.image, 'ghcr.io/vitrine/vitrine:9.9.9');
    assert.equal(dep.spec.template.spec.containers[0]?.env.find((e) => e.name === 'WATCH_NAMESPACE')?.value, 'shop');
  });

  it('refuses several replicas without leader election', async () => {
    await assert.rejects(helmTemplate(['--set', 'leaderElection.enabled=false']), /needs leaderElection.enabled=true/);
  });
});
