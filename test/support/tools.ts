/**
 * Tools the suites run that scripts/provision installs beside the engines (helm, built through the
 * Go module proxy). A missing tool is a failure that says how to provision it.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { HOW_TO_PROVISION } from './engines.ts';

/** Path of the provisioned `helm` binary (HELM overrides). */
export function helmPath(): string {
  const candidate = process.env.HELM ?? path.join(process.env.VITRINE_CACHE ?? path.join(homedir(), '.cache', 'vitrine'), 'bin', 'helm');
  if (!existsSync(candidate)) throw new Error(`helm is not at ${candidate}. ${HOW_TO_PROVISION}`);
  return candidate;
}
