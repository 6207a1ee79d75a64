/**
 * The default provider: writes one log line per notification, with ids only. The text may hold a
 * tracking link (a bearer token) and the address is personal data, so neither is logged.
 */
import type { Logger } from '../../kit/index.ts';
import type { NotificationProvider } from './provider.ts';

/** Creates the log provider. */
export function createLogProvider(log: Logger): NotificationProvider {
  return {
    channel: 'log',
    send(m) {
      log.info({ notificationId: m.id, template: m.template, locale: m.locale, customerId: m.customerId }, 'notification delivered to the log');
      return Promise.resolve();
    },
  };
}
