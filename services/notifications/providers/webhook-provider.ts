/**
 * Webhook provider: POSTs the message as JSON to a URL (an e-mail or messaging platform), signed
 * like carrier webhooks (`X-Vitrine-Signature`, `X-Vitrine-Timestamp`, `X-Vitrine-Event-Id` = the
 * notification id, so the receiver can de-duplicate retries). 4xx other than 408/429 is permanent.
 */
import { createHmac } from 'node:crypto';
import { PermanentDeliveryError, type NotificationProvider } from './provider.ts';

const TIMEOUT_MS = 5_000;

/** Creates the webhook provider. */
export function createWebhookProvider(options: { url: string; secret?: string; fetch?: typeof fetch }): NotificationProvider {
  const doFetch = options.fetch ?? fetch;
  return {
    channel: 'webhook',
    async send(m) {
      const body = JSON.stringify({ id: m.id, template: m.template, locale: m.locale, customerId: m.customerId, to: m.to, subject: m.subject, text: m.text });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-vitrine-event-id': m.id, 'x-vitrine-timestamp': timestamp };
      if (options.secret) headers['x-vitrine-signature'] = `sha256=${createHmac('sha256', options.secret).update(`${timestamp}.${body}`).digest('hex')}`;
      const res = await doFetch(options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
      await res.body?.cancel();
      if (res.ok) return;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentDeliveryError(`webhook answered ${res.status}`);
      throw new Error(`webhook answered ${res.status}`);
    },
  };
}
