/**
 * Starts and stops a private set of engines for one test run (`scripts/engines` with its own
 * VITRINE_STATE), and reads the tails of the engines' logs for failed tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOW_TO_PROVISION } from './engines.ts';
import { HarnessError, parseEnvFile } from './harness.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENGINES_SCRIPT = join(REPO_ROOT, 'scripts', 'engines');
const START_TIMEOUT_MS = 180_000;

/** A running private set of engines. */
export interface PrivateEngines {
  /** The variables of its engines.env (addresses, versions, log directory). */
  readonly env: Record<string, string>;
  readonly stateDir: string;
  /** Stops the engines and removes their data; safe to call twice. */
  stop(): void;
}

function runEngines(command: 'up' | 'down', stateDir: string) {
  return spawnSync('bash', [ENGINES_SCRIPT, command], {
    env: { ...process.env, VITRINE_STATE: stateDir },
    encoding: 'utf8',
    timeout: START_TIMEOUT_MS,
    // The engines' own output goes to their log files; keep what the script says for errors.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts PostgreSQL, Redis, etcd, kube-apiserver and Kafka in a fresh temporary state directory.
 * Throws a HarnessError that says how to provision when the script fails.
 */
export function startPrivateEngines(): PrivateEngines {
  const root = mkdtempSync(join(tmpdir(), 'vitrine-engines-'));
  const stateDir = join(root, 'state');
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    runEngines('down', stateDir);
    rmSync(root, { recursive: true, force: true });
  };
  const result = runEngines('up', stateDir);
  const envFile = join(stateDir, 'engines.env');
  if (result.status !== 0 || !existsSync(envFile)) {
    const output = `${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`.trim();
    stop();
    throw new HarnessError(
      'ENGINES_START_FAILED',
      `\`bash scripts/engines up\` failed (exit ${result.status ?? result.signal}):\n${output}\n${HOW_TO_PROVISION}`,
    );
  }
  return { env: parseEnvFile(readFileSync(envFile, 'utf8')), stateDir, stop };
}

/** The last `lines` lines of each `*.log` in `logDir`, as one printable block ('' when none). */
export function tailEngineLogs(logDir: string | undefined, lines = 20): string {
  if (!logDir || !existsSync(logDir)) return '';
  const blocks: string[] = [];
  for (const file of readdirSync(logDir).filter((f) => f.endsWith('.log')).sort()) {
    const text = readFileSync(join(logDir, file), 'utf8').trimEnd();
    if (!text) continue;
    const tail = text.split('\n').slice(-lines).join('\n');
    blocks.push(`--- ${file} (last ${lines} lines) ---\n${tail}`);
  }
  return blocks.join('\n');
}
