/**
 * SMTP provider: e-mails the message through {@link sendMail}. A 5xx reply or a missing address is
 * permanent; anything else (4xx, connection trouble) is retried.
 */
import { PermanentDeliveryError, type NotificationProvider } from './provider.ts';
import { sendMail, SmtpError, type SmtpOptions } from './smtp-client.ts';

/** Creates the SMTP provider. */
export function createSmtpProvider(options: SmtpOptions & { from: string }): NotificationProvider {
  return {
    channel: 'email',
    async send(m) {
      if (!m.to) throw new PermanentDeliveryError('no e-mail address for this customer');
      try {
        await sendMail(options, { from: options.from, to: m.to, subject: m.subject, text: m.text, messageId: m.id });
      } catch (err) {
        if (err instanceof SmtpError && err.permanent) throw new PermanentDeliveryError(err.message);
        throw err;
      }
    },
  };
}
