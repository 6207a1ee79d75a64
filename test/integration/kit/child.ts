/**
 * Runs a fixture script in a child Node process (with tsx) and follows its JSON stdout lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A running fixture process. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves when the child printed `{"ready":true}`. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** stderr so far, for failure messages. */
  stderr(): string;
}

/** Starts `fixtures/<name>.ts` with `env`, calling `onLine` for each JSON stdout line. */
export function startChild(name: string, env: Record<string, string>, onLine: (line: Record<string, unknown>, child: ChildProcess) => void = () => {}): Child {
  const file = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const ready = new Promise<void>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before it was ready: ${err.slice(-2000)}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      if (line.ready === true) resolve();
      onLine(line, child);
    });
  });
  return { process: child, ready, exited, stderr: () => err };
}
