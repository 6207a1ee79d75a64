/**
 * Routes kafkajs's own log lines into the service's pino logger (JSON, with correlation ids).
 */
import kafkajs from 'kafkajs';
import type { logCreator } from 'kafkajs';
import type { Logger } from '../../logging.ts';

/** A kafkajs `logCreator` writing to `log`. */
export function kafkaLogCreator(log: Logger): logCreator {
  return () => ({ namespace, level, log: entry }) => {
    const { message, ...extra } = entry;
    const fields = { kafka: namespace, ...extra };
    if (level === kafkajs.logLevel.ERROR) log.error(fields, message);
    else if (level === kafkajs.logLevel.WARN) log.warn(fields, message);
    else if (level === kafkajs.logLevel.INFO) log.info(fields, message);
    else log.debug(fields, message);
  };
}
