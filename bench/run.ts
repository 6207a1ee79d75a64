/**
 * `npm run bench`: runs every driver in bench/ one after the other (so they do not compete for the
 * two cores), each measuring its baseline in the same run, and prints one table of ratios.
 * `npm run bench -- events gateway` runs only the named drivers.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchDriver, BenchRow } from './types.ts';
import { enginesEnvFile, loadEnginesEnv } from '../scripts/lib/engines-env.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SKIP = new Set(['run.ts', 'types.ts']);

async function main(): Promise<void> {
  // The drivers measure on the real engines of `scripts/engines up` unless the environment names others.
  if (!process.env.KAFKA_BROKERS && !loadEnginesEnv()) {
    throw new Error(`no engines: run \`bash scripts/provision && bash scripts/engines up\` (expected ${enginesEnvFile()})`);
  }
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !SKIP.has(f) && !f.includes('-'))
    .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, '')));
  const rows: (BenchRow & { driver: string })[] = [];
  let failed = 0;
  for (const file of files) {
    const driver = file.replace(/\.ts$/, '');
    process.stderr.write(`bench: ${driver} ...\n`);
    try {
      const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run?: BenchDriver };
      if (typeof mod.run !== 'function') continue;
      for (const row of await mod.run()) rows.push({ driver, ...row });
    } catch (err) {
      failed++;
      process.stderr.write(`bench: ${driver} failed: ${(err as Error).stack ?? String(err)}\n`);
    }
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`\nMachine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  console.log('| driver | measure | value | baseline (same run) | ratio | goal |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const value = `${Number.isInteger(r.value) ? r.value : r.value.toFixed(2)} ${r.unit}`;
    const ratio = r.ratio === undefined ? '' : r.ratio.toFixed(2);
    console.log(`| ${r.driver} | ${r.name} | ${value} | ${r.baseline ?? ''} | ${ratio} | ${r.goal ?? ''} |`);
  }
  if (failed > 0) process.exitCode = 1;
}

await main();
