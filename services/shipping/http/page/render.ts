/**
 * Server-rendered tracking pages: plain HTML that works without JavaScript, one stylesheet from our
 * own origin, every dynamic value escaped. The same not-found page is used for every bad token.
 */
import type { TrackingView } from '../../domain/shipment.ts';
import { formatDate, formatDateTime, LOCALES, messages, statusLabel, type Locale, type Messages } from './i18n.ts';

/** Path of the stylesheet. */
export const STYLESHEET_PATH = '/rastreio/assets/tracking.css';
/** Where the lookup form posts. */
export const LOOKUP_PATH = '/rastreio/buscar';

/** The Content-Security-Policy of the pages: nothing but our stylesheet, no script at all. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function langNav(m: Messages, locale: Locale, query: Record<string, string>): string {
  const links = LOCALES.map((l) => {
    const href = `?${new URLSearchParams({ ...query, lang: l }).toString()}`;
    const name = l === 'en' ? 'English' : 'Português';
    return `<a href="${escapeHtml(href)}" hreflang="${l}" lang="${l}"${l === locale ? ' aria-current="true"' : ''}>${name}</a>`;
  }).join('');
  return `<nav class="lang" aria-label="${escapeHtml(m.language)}">${links}</nav>`;
}

function layout(locale: Locale, title: string, body: string, nav: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header><span class="brand">Vitrine</span></header>
<main>
${body}
${nav}
</main>
</body>
</html>
`;
}

function lookupForm(m: Messages, locale: Locale, notice?: string): string {
  return `<section class="card" aria-labelledby="lookup-title">
<h2 id="lookup-title">${escapeHtml(m.lookupTitle)}</h2>
${notice ? `<p class="notice" role="alert">${escapeHtml(notice)}</p>` : ''}
<form method="post" action="${LOOKUP_PATH}">
<input type="hidden" name="lang" value="${locale}">
<label>${escapeHtml(m.orderNumber)}<input name="order" required maxlength="128" autocomplete="off"></label>
<label>${escapeHtml(m.contact)}<input name="contact" required maxlength="254" autocomplete="email"></label>
<button type="submit">${escapeHtml(m.submit)}</button>
</form>
</section>`;
}

/** The tracking page of a shipment. `token` only goes into the language links. */
export function renderTrackingPage(view: TrackingView, locale: Locale, token: string): string {
  const m = messages(locale);
  const last = view.checkpoints.length - 1;
  const items = view.checkpoints
    .map((c, i) => {
      const where = c.location ? `<span class="where">${escapeHtml(c.location)}</span>` : '';
      const what = c.description ? `<div>${escapeHtml(c.description)}</div>` : '';
      return `<li${i === last ? ' class="latest"' : ''} data-status="${escapeHtml(c.status)}"><time datetime="${escapeHtml(c.occurredAt)}">${escapeHtml(formatDateTime(locale, c.occurredAt))}</time><span class="what">${escapeHtml(statusLabel(m, c.status))}</span>${what}${where}</li>`;
    })
    .join('\n');
  const timeline = view.checkpoints.length > 0 ? `<ol class="timeline">\n${items}\n</ol>` : `<p class="empty">${escapeHtml(m.noCheckpoints)}</p>`;
  const when = view.deliveredAt
    ? `<div><dt>${escapeHtml(m.deliveredOn)}</dt><dd>${escapeHtml(formatDateTime(locale, view.deliveredAt))}</dd></div>`
    : `<div><dt>${escapeHtml(m.estimatedDelivery)}</dt><dd>${escapeHtml(formatDate(locale, view.estimatedDelivery))}</dd></div>`;
  const body = `<h1>${escapeHtml(m.title)}</h1>
<section class="card" aria-label="${escapeHtml(m.order)}">
<dl class="summary">
<div><dt>${escapeHtml(m.order)}</dt><dd>${escapeHtml(view.orderId)}</dd></div>
<div><dt>${escapeHtml(m.status)}</dt><dd><span class="status status-${escapeHtml(view.status)}">${escapeHtml(statusLabel(m, view.status))}</span></dd></div>
<div><dt>${escapeHtml(m.carrier)}</dt><dd>${escapeHtml(view.carrier)}</dd></div>
<div><dt>${escapeHtml(m.trackingCode)}</dt><dd>${escapeHtml(view.trackingCode)}</dd></div>
${when}
</dl>
</section>
<h2>${escapeHtml(m.timeline)}</h2>
<section class="card">
${timeline}
</section>`;
  return layout(locale, `${m.title} ${view.orderId}`, body, langNav(m, locale, { h: token }));
}

/** The one page for unknown, forged, tampered and expired tokens (and a missing one). */
export function renderNotFoundPage(locale: Locale, notice?: string): string {
  const m = messages(locale);
  const body = `<h1>${escapeHtml(m.notFoundTitle)}</h1>
<p>${escapeHtml(m.notFoundText)}</p>
${lookupForm(m, locale, notice)}`;
  return layout(locale, m.notFoundTitle, body, langNav(m, locale, {}));
}

/** The lookup page after too many attempts. */
export function renderRateLimitedPage(locale: Locale): string {
  return renderNotFoundPage(locale, messages(locale).rateLimited);
}
