/**
 * Notification templates in pt-BR and English. A template turns the params stored with the
 * notification (ids, amounts, statuses: no address) into a subject and a plain-text body.
 */

/** A supported locale. */
export type Locale = 'pt-BR' | 'en';

/** Template names. */
export const TEMPLATES = ['welcome', 'order_confirmed', 'order_cancelled', 'shipment_created', 'shipment_checkpoint'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** Params a template may use. */
export interface TemplateParams {
  readonly name?: string;
  readonly orderId?: string;
  readonly shipmentId?: string;
  readonly total?: { readonly amount: number; readonly currency: string };
  readonly reason?: string;
  readonly carrier?: string;
  readonly trackingCode?: string;
  readonly trackingUrl?: string;
  readonly status?: string;
  readonly location?: string;
  readonly occurredAt?: string;
}

/** A rendered message. */
export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
}

const STATUS: Record<Locale, Record<string, string>> = {
  'pt-BR': { posted: 'postado', in_transit: 'em trânsito', out_for_delivery: 'saiu para entrega', delivered: 'entregue', exception: 'com ocorrência na entrega' },
  en: { posted: 'posted', in_transit: 'in transit', out_for_delivery: 'out for delivery', delivered: 'delivered', exception: 'delayed by a delivery problem' },
};

function money(locale: Locale, m: TemplateParams['total']): string {
  if (!m) return '';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(m.amount / 100);
}

function when(locale: Locale, iso: string | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Sao_Paulo' }).format(new Date(iso));
}

function greet(locale: Locale, name: string | undefined): string {
  const first = name?.split(/\s+/)[0];
  if (locale === 'en') return first ? `Hello ${first},` : 'Hello,';
  return first ? `Olá, ${first}!` : 'Olá!';
}

/** Renders `template` in `locale`. */
export function render(template: TemplateName, locale: Locale, p: TemplateParams): RenderedMessage {
  const pt = locale === 'pt-BR';
  const hi = greet(locale, p.name);
  const order = p.orderId ?? '';
  switch (template) {
    case 'welcome':
      return pt
        ? { subject: 'Bem-vindo à Vitrine', text: `${hi}\n\nSua conta na Vitrine está pronta. Boas compras!` }
        : { subject: 'Welcome to Vitrine', text: `${hi}\n\nYour Vitrine account is ready. Happy shopping!` };
    case 'order_confirmed':
      return pt
        ? { subject: `Pedido ${order} confirmado`, text: `${hi}\n\nRecebemos o pagamento do pedido ${order} (${money(locale, p.total)}). Avisaremos quando ele for enviado.` }
        : { subject: `Order ${order} confirmed`, text: `${hi}\n\nWe received the payment for order ${order} (${money(locale, p.total)}). We will let you know when it ships.` };
    case 'order_cancelled':
      return pt
        ? { subject: `Pedido ${order} cancelado`, text: `${hi}\n\nO pedido ${order} foi cancelado. Se algum valor foi cobrado, ele será estornado.` }
        : { subject: `Order ${order} cancelled`, text: `${hi}\n\nOrder ${order} was cancelled. Any amount charged will be refunded.` };
    case 'shipment_created':
      return pt
        ? {
            subject: `Pedido ${order} enviado`,
            text: `${hi}\n\nSeu pedido ${order} foi enviado pela ${p.carrier ?? ''} (código ${p.trackingCode ?? ''}).\nAcompanhe a entrega: ${p.trackingUrl ?? ''}`,
          }
        : {
            subject: `Order ${order} shipped`,
            text: `${hi}\n\nYour order ${order} was shipped with ${p.carrier ?? ''} (tracking code ${p.trackingCode ?? ''}).\nFollow the delivery: ${p.trackingUrl ?? ''}`,
          };
    case 'shipment_checkpoint': {
      const status = STATUS[locale][p.status ?? ''] ?? p.status ?? '';
      const where = p.location ? (pt ? ` em ${p.location}` : ` at ${p.location}`) : '';
      return pt
        ? { subject: `Pedido ${order}: ${status}`, text: `${hi}\n\nSeu pedido ${order} está ${status}${where} (${when(locale, p.occurredAt)}).` }
        : { subject: `Order ${order}: ${status}`, text: `${hi}\n\nYour order ${order} is ${status}${where} (${when(locale, p.occurredAt)}).` };
    }
  }
}
