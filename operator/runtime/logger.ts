/**
 * The operator's JSON logger (pino). Never log a secret or a personal detail: objects are named
 * by kind, namespace and name only.
 */
import { pino, type Logger } from 'pino';

/** A root logger; LOG_LEVEL picks the level (default info). */
export function createLogger(name = 'vitrine-operator', level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
