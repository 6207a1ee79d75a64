import assert from 'node:assert/strict';
import { pickLocale } from '../../../services/shipping/http/page/i18n.ts';
import { escapeHtml, PAGE_CSP, renderNotFoundPage, renderTrackingPage } from '../../../services/shipping/http/page/render.ts';
import { nextStatus, orderCheckpoints, type TrackingView } from '../../../services/shipping/domain/shipment.ts';
import { addBusinessDays, createTestCarrier } from '../../../services/shipping/domain/carrier.ts';

const view: TrackingView = {
  shipmentId: 's1',
  orderId: 'o<1>',
  status: 'in_transit',
  carrier: 'vitrine-express',
  trackingCode: 'VT1BR',
  estimatedDelivery: '2026-12-01T12:00:00Z',
  checkpoints: [
    { status: 'posted', occurredAt: '2026-11-25T10:00:00.000Z', location: 'São Paulo' },
    { status: 'in_transit', occurredAt: '2026-11-25T12:00:00.000Z', description: '<script>alert(1)</script>' },
  ],
  updatedAt: '2026-11-25T12:00:00.000Z',
};

describe('shipping: tracking page', () => {
  it('picks the locale from ?lang=, then Accept-Language by q, then pt-BR', () => {
    assert.equal(pickLocale('en', 'pt-BR'), 'en');
    assert.equal(pickLocale('pt-br', 'en'), 'pt-BR');
    assert.equal(pickLocale('fr', 'en-US,en;q=0.9'), 'en');
    assert.equal(pickLocale(undefined, 'fr;q=1, pt;q=0.5, en;q=0.8'), 'en');
    assert.equal(pickLocale(undefined, 'de'), 'pt-BR');
    assert.equal(pickLocale(['en'], undefined), 'pt-BR');
  });

  it('renders status, carrier, estimate and checkpoints in order, escaped, in both languages', () => {
    const pt = renderTrackingPage(view, 'pt-BR', 'tok');
    const en = renderTrackingPage(view, 'en', 'tok');
    assert.match(pt, /<html lang="pt-BR">/);
    assert.ok(pt.indexOf('Postado') < pt.indexOf('Em trânsito</span><div>'));
    assert.ok(en.indexOf('Posted') < en.lastIndexOf('In transit'));
    assert.match(en, /Estimated delivery<\/dt><dd>December 1, 2026/);
    assert.match(pt, /Previsão de entrega<\/dt><dd>1 de dezembro de 2026/);
    for (const html of [pt, en]) {
      assert.ok(!html.includes('<script'), 'no script at all');
      assert.ok(html.includes('&lt;script&gt;') && html.includes('o&lt;1&gt;'));
      assert.ok(!/style=|<style/.test(html), 'no inline style');
      assert.match(html, /<link rel="stylesheet" href="\/rastreio\/assets\/tracking.css">/);
    }
  });

  it('has one not-found page and a CSP without inline or external sources', () => {
    assert.equal(renderNotFoundPage('en'), renderNotFoundPage('en'));
    assert.doesNotMatch(PAGE_CSP, /unsafe|https?:|\*/);
    assert.match(PAGE_CSP, /default-src 'none'/);
    assert.equal(escapeHtml(`"'&<>`), '&quot;&#39;&amp;&lt;&gt;');
  });

  it('moves the status forward only, and never out of delivered', () => {
    assert.equal(nextStatus('created', 'in_transit'), 'in_transit');
    assert.equal(nextStatus('out_for_delivery', 'in_transit'), 'out_for_delivery');
    assert.equal(nextStatus('in_transit', 'exception'), 'exception');
    assert.equal(nextStatus('exception', 'in_transit'), 'in_transit');
    assert.equal(nextStatus('delivered', 'exception'), 'delivered');
    assert.equal(nextStatus('posted', 'weird'), 'posted');
    const sorted = orderCheckpoints([{ status: 'b', occurredAt: '2026-01-02T00:00:00Z' }, { status: 'a', occurredAt: '2026-01-01T00:00:00Z' }]);
    assert.deepEqual(sorted.map((c) => c.status), ['a', 'b']);
  });

  it('books deterministically with the test carrier', async () => {
    const carrier = createTestCarrier();
    const req = { shipmentId: 's1', orderId: 'o1', postalCode: '01310100', country: 'BR', items: 1, invoicedAt: new Date('2026-11-27T12:00:00Z') };
    const a = await carrier.book(req);
    assert.deepEqual(a, await carrier.book(req));
    assert.match(a.trackingCode, /^VT\d{9}BR$/);
    assert.equal(a.estimatedDelivery.toISOString(), '2026-12-02T12:00:00.000Z'); // Friday + 3 working days
    assert.equal(addBusinessDays(new Date('2026-11-27T00:00:00Z'), 5).toISOString(), '2026-12-04T00:00:00.000Z');
  });
});
