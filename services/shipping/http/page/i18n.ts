/**
 * The tracking page's two languages, pt-BR (default) and English, and how one is chosen:
 * `?lang=` first, then `Accept-Language` (q-values honoured), then pt-BR.
 */

/** A supported locale. */
export type Locale = 'pt-BR' | 'en';
/** Every supported locale. */
export const LOCALES: readonly Locale[] = ['pt-BR', 'en'];

function match(tag: string): Locale | undefined {
  const t = tag.trim().toLowerCase();
  if (t === 'pt' || t.startsWith('pt-')) return 'pt-BR';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return undefined;
}

/** Picks the locale from `?lang=` and the `Accept-Language` header. */
export function pickLocale(lang: unknown, acceptLanguage: string | undefined): Locale {
  if (typeof lang === 'string') {
    const l = match(lang);
    if (l) return l;
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag, weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((x) => x.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const r of ranked) {
    const l = match(r.tag);
    if (l) return l;
  }
  return 'pt-BR';
}

const pt = {
  title: 'Rastreamento do pedido',
  order: 'Pedido',
  status: 'Situação',
  carrier: 'Transportadora',
  trackingCode: 'Código de rastreio',
  estimatedDelivery: 'Previsão de entrega',
  deliveredOn: 'Entregue em',
  timeline: 'Histórico',
  noCheckpoints: 'Ainda não há movimentações. Volte mais tarde.',
  notFoundTitle: 'Rastreamento não encontrado',
  notFoundText: 'Este link de rastreamento não é válido ou expirou. Você pode buscar o pedido pelo número e pelo e-mail ou CEP.',
  lookupTitle: 'Buscar pelo número do pedido',
  orderNumber: 'Número do pedido',
  contact: 'E-mail ou CEP',
  submit: 'Rastrear',
  rateLimited: 'Muitas tentativas. Tente de novo em alguns minutos.',
  language: 'Idioma',
  statuses: {
    created: 'Envio criado',
    posted: 'Postado',
    in_transit: 'Em trânsito',
    out_for_delivery: 'Saiu para entrega',
    delivered: 'Entregue',
    exception: 'Ocorrência na entrega',
  } as Record<string, string>,
};

/** The page's texts in one locale. */
export type Messages = typeof pt;

const en: Messages = {
  title: 'Order tracking',
  order: 'Order',
  status: 'Status',
  carrier: 'Carrier',
  trackingCode: 'Tracking code',
  estimatedDelivery: 'Estimated delivery',
  deliveredOn: 'Delivered on',
  timeline: 'Timeline',
  noCheckpoints: 'No updates yet. Please check again later.',
  notFoundTitle: 'Tracking not found',
  notFoundText: 'This tracking link is not valid or has expired. You can find your order by its number and your e-mail or postcode.',
  lookupTitle: 'Find by order number',
  orderNumber: 'Order number',
  contact: 'E-mail or postcode',
  submit: 'Track',
  rateLimited: 'Too many attempts. Please try again in a few minutes.',
  language: 'Language',
  statuses: {
    created: 'Shipment created',
    posted: 'Posted',
    in_transit: 'In transit',
    out_for_delivery: 'Out for delivery',
    delivered: 'Delivered',
    exception: 'Delivery problem',
  },
};

/** The texts of `locale`. */
export function messages(locale: Locale): Messages {
  return locale === 'en' ? en : pt;
}

/** A status label; an unknown status code is shown as it is. */
export function statusLabel(m: Messages, status: string): string {
  return m.statuses[status] ?? status;
}

/** Shop-local time of a checkpoint (the shop is in Brazil), e.g. `25/11/2026 10:15`. */
export function formatDateTime(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Sao_Paulo' }).format(new Date(iso));
}

/** A calendar date (the estimate is a day, not an instant). */
export function formatDate(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
}
