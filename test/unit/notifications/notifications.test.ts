import assert from 'node:assert/strict';
import { render, TEMPLATES } from '../../../services/notifications/domain/templates.ts';
import { backoffMs } from '../../../services/notifications/domain/rules.ts';
import type { SmtpError } from '../../../services/notifications/providers/smtp-client.ts';
import { buildMessage, sendMail } from '../../../services/notifications/providers/smtp-client.ts';
import { createSmtpProvider } from '../../../services/notifications/providers/smtp-provider.ts';
import { PermanentDeliveryError } from '../../../services/notifications/providers/provider.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

describe('notifications: templates, back-off, SMTP client', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink.close();
  });

  it('renders every template in pt-BR and English with the tracking link', () => {
    for (const t of TEMPLATES) {
      const pt = render(t, 'pt-BR', { orderId: 'o1', name: 'Ana Souza', total: { amount: 12990, currency: 'BRL' }, status: 'in_transit', occurredAt: '2026-11-25T13:00:00Z' });
      const en = render(t, 'en', { orderId: 'o1', name: 'Ana Souza', total: { amount: 12990, currency: 'BRL' }, status: 'in_transit', occurredAt: '2026-11-25T13:00:00Z' });
      assert.notEqual(pt.subject, en.subject, t);
      assert.match(pt.text, /Olá, Ana!/);
      assert.match(en.text, /Hello Ana,/);
    }
    const link = 'https://rastreio.example.com/?h=abc.def';
    assert.ok(render('shipment_created', 'pt-BR', { orderId: 'o1', trackingUrl: link }).text.includes(link));
    assert.match(render('order_confirmed', 'pt-BR', { orderId: 'o1', total: { amount: 12990, currency: 'BRL' } }).text, /R\$\s129,90/);
    assert.match(render('shipment_checkpoint', 'pt-BR', { orderId: 'o1', status: 'out_for_delivery', location: 'Campinas' }).subject, /saiu para entrega/);
  });

  it('backs off exponentially with bounded jitter', () => {
    assert.equal(backoffMs(1000, 1, () => 0.5), 1000);
    assert.equal(backoffMs(1000, 3, () => 0.5), 4000);
    assert.equal(backoffMs(1000, 3, () => 0), 3200);
    assert.equal(backoffMs(1000, 40, () => 0.5), 3_600_000);
  });

  it('delivers a UTF-8 message over SMTP with a MIME-encoded subject and dot-stuffing', async () => {
    await sendMail({ host: '127.0.0.1', port: sink.port, helo: 'test' }, { from: 'shop@vitrine.test', to: 'ana@example.com', subject: 'Pedido enviado: São Paulo', text: 'linha 1\n.\nlinha ç' });
    const mail = sink.mails.at(-1)!;
    assert.equal(mail.to, 'ana@example.com');
    assert.equal(mail.subject, 'Pedido enviado: São Paulo');
    assert.equal(mail.text, 'linha 1\n.\nlinha ç');
    assert.match(buildMessage({ from: 'a@b.c', to: 'd@e.f', subject: 'x', text: 'y' }), /Content-Type: text\/plain; charset=utf-8/);
  });

  it('treats a 5xx recipient refusal and a missing address as permanent, a dead server as transient', async () => {
    sink.refuse.add('nobody@example.com');
    await assert.rejects(sendMail({ host: '127.0.0.1', port: sink.port, helo: 't' }, { from: 'a@b.c', to: 'nobody@example.com', subject: 's', text: 't' }), (e: SmtpError) => e.code === 550 && e.permanent);
    const provider = createSmtpProvider({ host: '127.0.0.1', port: sink.port, helo: 't', from: 'a@b.c' });
    await assert.rejects(provider.send({ id: 'n1', template: 'welcome', locale: 'en', to: 'nobody@example.com', subject: 's', text: 't' }), PermanentDeliveryError);
    await assert.rejects(provider.send({ id: 'n2', template: 'welcome', locale: 'en', subject: 's', text: 't' }), PermanentDeliveryError);
    const closed = createSmtpProvider({ host: '127.0.0.1', port: 1, helo: 't', from: 'a@b.c', timeoutMs: 2000 });
    await assert.rejects(closed.send({ id: 'n3', template: 'welcome', locale: 'en', to: 'x@y.z', subject: 's', text: 't' }), (e: Error) => !(e instanceof PermanentDeliveryError));
  });
});
