/**
 * Reads the env file `scripts/engines up` writes (`$VITRINE_STATE/engines.env`) into process.env,
 * for `npm start -- --engines=real` and `npm run bench`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** The env file's path. */
export function enginesEnvFile(): string {
  const state = process.env.VITRINE_STATE ?? path.join(homedir(), '.cache', 'vitrine', 'state');
  return path.join(state, 'engines.env');
}

/** Loads the engines' addresses; returns false when the file does not exist. Variables already set win. */
export function loadEnginesEnv(file = enginesEnvFile()): boolean {
  if (!existsSync(file)) return false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]!] === undefined) process.env[m[1]!] = m[2]!;
  }
  return true;
}
