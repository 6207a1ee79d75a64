/**
 * The operator's JSON logger (pino). Never log a secret or a personal detail: objects are named
 * by kind, namespace and name only.
 */
import { formatWithOptions } from 'node:util';
import { pino, type Logger } from 'pino';

/** A root logger; LOG_LEVEL picks the level (default info). */
export function createLogger(name = 'vitrine-operator', level = process.env.LOG_LEVEL ?? 'info'): Logger {
  // `name` is left for log fields (object names); the process is named by `service`.
  return pino({ level, base: { pid: process.pid, service: name } });
}

/**
 * Sends what libraries print with `console` through the JSON logger, so that the operator's output
 * stays one JSON object per line. oci-common's retrier reports every failed OCI call with
 * `console.warn` ("All retry attempts have exhausted …", already stripped of credentials by the
 * SDK); the controllers report the same failures as conditions and events.
 */
export function routeConsoleToLogger(log: Logger): void {
  const child = log.child({ source: 'console' });
  const text = (args: unknown[]): string => formatWithOptions({ breakLength: Infinity }, ...args);
  console.log = (...args: unknown[]) => child.info(text(args));
  console.info = (...args: unknown[]) => child.info(text(args));
  console.warn = (...args: unknown[]) => child.warn(text(args));
  console.error = (...args: unknown[]) => child.error(text(args));
  console.debug = (...args: unknown[]) => child.debug(text(args));
}
