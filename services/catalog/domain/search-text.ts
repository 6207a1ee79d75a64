/**
 * Accent- and case-insensitive search without PostgreSQL's `unaccent` (PGlite lacks it): products
 * store a normalized copy of their searchable text, and queries are normalized the same way.
 */

/** `Café Orgânico` → `cafe organico`: NFD, combining marks removed, lower case, spaces collapsed. */
export function normalizeSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so that a shopper's `%` or `_` matches itself. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
