/**
 * Mocha root hooks and global fixtures (loaded through `.mocharc.cjs` `require`, before the
 * spec files).
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

/** What this run did about engines; on globalThis because mocha may evaluate this file twice. */
interface EnginesSetup {
  privateEngines?: PrivateEngines;
  origin?: string;
  error?: unknown;
}
const SETUP_KEY = Symbol.for('vitrine.test.engines');
const globals = globalThis as { [SETUP_KEY]?: EnginesSetup };

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

/**
 * Finds the engines, or starts a private set, and puts their addresses in process.env.
 * Synchronous and run when mocha loads this file (`require` in .mocharc.cjs), before the spec
 * files: suites may read engine addresses while they are being defined, which a
 * mochaGlobalSetup (run after the spec files are loaded) would be too late for. Mocha retries a
 * failed `require` with `import`, so the outcome is kept and not done twice.
 */
function prepareEngines(): EnginesSetup {
  const done = globals[SETUP_KEY];
  if (done) {
    if (done.error !== undefined) throw done.error;
    return done;
  }
  const setup: EnginesSetup = {};
  globals[SETUP_KEY] = setup;
  if (enginesDisabled()) {
    console.log('engines: none (VITRINE_ENGINES=none); tests that need an engine will fail');
    return setup;
  }
  setup.origin = 'from the environment';
  if (!hasEngineEnvironment(process.env)) {
    const started = Date.now();
    console.log('engines: KAFKA_BROKERS, DATABASE_URL, REDIS_URL or KUBECONFIG not set; starting a private set');
    try {
      setup.privateEngines = startPrivateEngines();
    } catch (error) {
      setup.error = error;
      throw error;
    }
    // Safety net: if the run ends without the teardown (an uncaught error), still stop them.
    process.once('exit', () => setup.privateEngines?.stop());
    Object.assign(process.env, setup.privateEngines.env);
    setup.origin = `private set in ${setup.privateEngines.stateDir}, started in ${Date.now() - started} ms`;
  }
  logVersions(setup.origin);
  return setup;
}

const setup = prepareEngines();

/** Checks, once before any test, that every engine accepts connections. */
export async function mochaGlobalSetup(): Promise<void> {
  if (setup.origin) await checkEngines(process.env);
}

/** Stops the private set, if this run started one. */
export function mochaGlobalTeardown(): void {
  setup.privateEngines?.stop();
}

/** Root hooks: engine log tails after a failed test. */
export const mochaHooks = {
  afterEach(this: Context): void {
    if (this.currentTest?.state !== 'failed' || enginesDisabled()) return;
    const tails = tailEngineLogs(process.env.VITRINE_ENGINE_LOGS);
    if (tails) console.error(`\nengine logs after failed test "${this.currentTest.fullTitle()}":\n${tails}\n`);
  },
};
