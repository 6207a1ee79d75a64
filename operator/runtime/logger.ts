/**
 * The operator's JSON logger (pino). Never log a secret or a personal detail: objects are named
 * by kind, namespace and name only.
 */
import { pino, type Logger } from 'pino';

/** A root logger; LOG_LEVEL picks the level (default info). */
export function createLogger(name = 'vitrine-operator', level = process.env.LOG_LEVEL ?? 'info'): Logger {
  // `name` is left for log fields (object names); the process is named by `service`.
  return pino({ level, base: { pid: process.pid, service: name } });
}
