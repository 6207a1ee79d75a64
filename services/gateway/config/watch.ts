/**
 * Loading the gateway document from a file and following its changes. Kubernetes updates a
 * mounted ConfigMap by swapping a `..data` symlink in the directory, so the directory is watched,
 * not the file; changes are debounced and only a parseable, valid document replaces the current
 * one (a bad edit is logged and the last good config stays in force).
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseGatewayConfig, type GatewayConfig } from './schema.ts';

const DEBOUNCE_MS = 150;

/** Reads and validates the document at `file`. */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read gateway config ${file}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`gateway config ${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseGatewayConfig(json);
}

/** Callbacks of {@link watchGatewayConfig}. */
export interface ConfigWatchHandlers {
  onConfig(config: GatewayConfig): void;
  onError(err: Error): void;
}

/** Watches `file` and calls back with each new valid config. Returns a stop function. */
export function watchGatewayConfig(file: string, handlers: ConfigWatchHandlers): () => void {
  let timer: NodeJS.Timeout | undefined;
  // The first change event always reloads (an unchanged document re-applies as a no-op); reading the
  // file here instead would race with a write that lands before the read completes.
  let last = '';
  const reload = (): void => {
    readFile(file, 'utf8')
      .then(async (text) => {
        if (text === last) return;
        last = text;
        handlers.onConfig(await loadGatewayConfig(file));
      })
      .catch((err: unknown) => handlers.onError(err as Error));
  };
  const watcher: FSWatcher = watch(path.dirname(file), { persistent: false }, () => {
    clearTimeout(timer);
    timer = setTimeout(reload, DEBOUNCE_MS);
  });
  watcher.on('error', (err) => handlers.onError(err));
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
