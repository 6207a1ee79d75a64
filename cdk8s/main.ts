/**
 * The cdk8s app: `npx tsx cdk8s/main.ts [outdir]` writes `vitrine-operator.k8s.yaml` (the operator
 * install) and `sample-shop.k8s.yaml` (a shop) to outdir (default cdk8s/dist).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'cdk8s';
import { OperatorInstall } from './operator-install.ts';
import { SampleShop } from './sample-shop.ts';

/** Builds the app (not yet synthesized). */
export function buildApp(outdir: string): App {
  const app = new App({ outdir });
  new OperatorInstall(app, 'vitrine-operator');
  new SampleShop(app, 'sample-shop');
  return app;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'dist');
  buildApp(outdir).synth();
  console.log(`synthesized into ${outdir}`);
}
