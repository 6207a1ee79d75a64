/**
 * Mocha root hooks and global fixtures (loaded through `.mocharc.cjs` `require`).
 *
 * - Engines named by KAFKA_BROKERS, DATABASE_URL, REDIS_URL and KUBECONFIG are used as they are.
 * - Otherwise a private set is started once per run (`scripts/engines up` in a temporary
 *   VITRINE_STATE) and stopped after it.
 * - Each engine must then accept connections, or the run fails with a message that names the
 *   engine, its address and how to start it.
 * - `VITRINE_ENGINES=none` starts and checks nothing: for unit tests only; a test that needs an
 *   engine then fails with the message of test/support/engines.ts.
 * - After a failed test the tails of the engines' logs are printed.
 */
import type { Context } from 'mocha';
import { checkEngines, hasEngineEnvironment, VERSION_VARIABLES } from './harness.ts';
import { startPrivateEngines, tailEngineLogs, type PrivateEngines } from './harness-engines.ts';

let privateEngines: PrivateEngines | undefined;

function enginesDisabled(): boolean {
  return process.env.VITRINE_ENGINES === 'none';
}

function logVersions(origin: string): void {
  const versions = VERSION_VARIABLES.map((name) => {
    const label = name.replace(/^VITRINE_/, '').replace(/_VERSION$/, '').toLowerCase();
    return `${label} ${process.env[name] ?? 'unknown'}`;
  });
  console.log(`engines (${origin}): ${versions.join(', ')}`);
}

/** Finds or starts the engines once for the whole run and checks that they answer. */
export async function mochaGlobalSetup(): Promise<void> {
  if (enginesDisabled()) {
    console.log('engines: none (VITRINE_ENGINES=none); tests that need an engine will fail');
    return;
  }
  let origin = 'from the environment';
  if (!hasEngineEnvironment(process.env)) {
    const started = Date.now();
    console.log('engines: KAFKA_BROKERS, DATABASE_URL, REDIS_URL or KUBECONFIG not set; starting a private set');
    privateEngines = startPrivateEngines();
    // Safety net: if the run ends without the teardown (an uncaught error), still stop them.
    process.once('exit', () => privateEngines?.stop());
    Object.assign(process.env, privateEngines.env);
    origin = `private set in ${privateEngines.stateDir}, started in ${Date.now() - started} ms`;
  }
  logVersions(origin);
  await checkEngines(process.env);
}

/** Stops the private set, if this run started one. */
export function mochaGlobalTeardown(): void {
  privateEngines?.stop();
  privateEngines = undefined;
}

/** Root hooks: engine log tails after a failed test. */
export const mochaHooks = {
  afterEach(this: Context): void {
    if (this.currentTest?.state !== 'failed' || enginesDisabled()) return;
    const tails = tailEngineLogs(process.env.VITRINE_ENGINE_LOGS);
    if (tails) console.error(`\nengine logs after failed test "${this.currentTest.fullTitle()}":\n${tails}\n`);
  },
};
