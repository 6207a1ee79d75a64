/**
 * `npm start`: the whole shop in one process on embedded defaults — one shared in-process event bus,
 * one PGlite (each service in its own schema), in-process caches — with the gateway on
 * http://localhost:8080 (PORT overrides), a demo catalog and a printed walkthrough.
 *
 * `npm start -- --engines=real` runs the same services on the engines of `scripts/engines up`
 * (Kafka, PostgreSQL, Redis), read from `$VITRINE_STATE/engines.env`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import type { GatewayConfigInput } from '../services/gateway/config/schema.ts';
import { startShop, type ShopHandle } from './start/shop.ts';
import { printWalkthrough } from './start/walkthrough.ts';
import { enginesEnvFile, loadEnginesEnv } from './lib/engines-env.ts';

const { values } = parseArgs({
  options: {
    engines: { type: 'string', default: 'embedded' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
});

if (values.help) {
  console.log('usage: npm start [-- --engines=embedded|real]');
  process.exit(0);
}
if (values.engines !== 'embedded' && values.engines !== 'real') {
  console.error(`--engines must be "embedded" or "real", got "${values.engines}"`);
  process.exit(64);
}

const started = performance.now();
const real = values.engines === 'real';
if (real) {
  if (!loadEnginesEnv()) {
    console.error(`no engines at ${enginesEnvFile()}: run \`bash scripts/provision && bash scripts/engines up\` first`);
    process.exit(69);
  }
} else {
  // Embedded defaults: ignore engines a shell may have exported.
  for (const v of ['KAFKA_BROKERS', 'DATABASE_URL', 'REDIS_URL']) delete process.env[v];
}
process.env.LOG_LEVEL ??= 'warn';

const workDir = mkdtempSync(path.join(tmpdir(), 'vitrine-start-'));
const gatewayPort = Number(process.env.PORT ?? 8080);
let shop: ShopHandle | undefined;
try {
  shop = await startShop({
    real,
    gatewayPort,
    gatewayConfigFile: path.join(workDir, 'gateway.json'),
    writeGatewayConfig: (file: string, cfg: GatewayConfigInput) => writeFileSync(file, JSON.stringify(cfg, null, 2)),
    pglite: real ? undefined : await PGlite.create(),
  });
} catch (err) {
  console.error(`npm start failed: ${(err as Error).stack ?? String(err)}`);
  rmSync(workDir, { recursive: true, force: true });
  process.exit(1);
}

printWalkthrough({ gatewayPort, real, startupMs: performance.now() - started, services: shop.services });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the shop ...`);
  await shop?.stop();
  rmSync(workDir, { recursive: true, force: true });
  console.log('stopped cleanly.');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
