/**
 * JSON logs with pino. Each line carries the service name and the current correlation id; known
 * secret and personal fields are redacted by path.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { currentContext } from './context.ts';

export type { Logger } from 'pino';

/** Fields never written to logs (secrets and personal data). */
export const REDACTED_PATHS: readonly string[] = [
  'password', '*.password', 'token', '*.token', 'accessToken', 'refreshToken', '*.accessToken', '*.refreshToken',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'req.headers.cookie',
  'email', '*.email', 'secret', '*.secret',
];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, written as `service` on every line. */
  readonly name: string;
  /** @default 'info' */
  readonly level?: LevelWithSilent;
  /** Where to write; @default stdout */
  readonly destination?: pino.DestinationStream;
}

/** A pino logger whose lines carry the current correlation id. */
export function createLogger(options: LoggerOptions): Logger {
  const opts: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = currentContext();
      return ctx ? { correlationId: ctx.correlationId } : {};
    },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
