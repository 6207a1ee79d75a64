/**
 * Body parsers for inspection: form, JSON (recursively), multipart and XML bodies become named
 * fields so that rules see values, not syntax (a JSON brace or an XML tag is not an attack).
 */
import { percentDecode } from './decode.ts';
import type { Target } from './types.ts';

/** Bodies larger than this are inspected only up to it (the size limit rule blocks bigger ones). */
export const MAX_INSPECTED_BODY_BYTES = 256 * 1024;
const MAX_JSON_DEPTH = 32;
const MAX_FIELDS = 2_000;

/** Splits `a=1&b=2` (query or form) into decoded name/value targets. */
export function parseUrlEncoded(text: string, prefix: string, out: Target[]): void {
  if (text === '') return;
  for (const pair of text.split('&')) {
    if (pair === '' || out.length >= MAX_FIELDS) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = percentDecode(rawName, true);
    const location = `${prefix}:${name.slice(0, 64)}`;
    out.push({ kind: 'arg-name', location, value: name });
    if (eq >= 0) out.push({ kind: 'arg', location, value: percentDecode(pair.slice(eq + 1), true) });
  }
}

function walkJson(value: unknown, path: string, depth: number, out: Target[]): void {
  if (out.length >= MAX_FIELDS || depth > MAX_JSON_DEPTH) return;
  if (typeof value === 'string' || typeof value === 'number') {
    out.push({ kind: 'arg', location: `body:json:${path}`, value: String(value) });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walkJson(item, `${path}[${i}]`, depth + 1, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const child = path === '' ? key.slice(0, 64) : `${path}.${key.slice(0, 64)}`;
      out.push({ kind: 'arg-name', location: `body:json:${child}`, value: key });
      walkJson(item, child, depth + 1, out);
    }
  }
}

/** Parses a JSON body into key and leaf-value targets; returns false when it is not JSON. */
export function parseJson(text: string, out: Target[]): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  walkJson(parsed, '', 0, out);
  return true;
}

/** Parses a multipart/form-data body: field names, file names and text part contents. */
export function parseMultipart(text: string, boundary: string, out: Target[]): boolean {
  const delimiter = `--${boundary}`;
  if (!text.includes(delimiter)) return false;
  for (const part of text.split(delimiter)) {
    if (out.length >= MAX_FIELDS) break;
    const headerEnd = part.indexOf('\r\n\r\n') >= 0 ? part.indexOf('\r\n\r\n') : part.indexOf('\n\n');
    if (headerEnd < 0) continue;
    const head = part.slice(0, headerEnd);
    const content = part.slice(headerEnd).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    const name = /\bname="([^"]*)"/i.exec(head)?.[1] ?? /\bname=([^;\s]+)/i.exec(head)?.[1] ?? '';
    const filename = /\bfilename\*?="?([^";\r\n]*)"?/i.exec(head)?.[1];
    const location = `body:multipart:${name.slice(0, 64)}`;
    out.push({ kind: 'arg-name', location, value: name });
    if (filename !== undefined) {
      out.push({ kind: 'filename', location, value: filename });
    } else {
      out.push({ kind: 'arg', location, value: content });
    }
  }
  return true;
}

/** XML: attribute values and text nodes become values. */
export function parseXml(text: string, out: Target[]): void {
  for (const m of text.matchAll(/\s[\w:.-]+\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    if (out.length >= MAX_FIELDS) return;
    out.push({ kind: 'arg', location: 'body:xml:attribute', value: m[1] ?? m[2] ?? '' });
  }
  for (const m of text.matchAll(/>([^<]+)</g)) {
    if (out.length >= MAX_FIELDS) return;
    out.push({ kind: 'arg', location: 'body:xml:text', value: m[1] ?? '' });
  }
}

/** Turns a body into targets according to its Content-Type. */
export function bodyTargets(body: string, contentType: string, out: Target[]): void {
  if (body === '') return;
  const text = body.length > MAX_INSPECTED_BODY_BYTES ? body.slice(0, MAX_INSPECTED_BODY_BYTES) : body;
  const type = contentType.toLowerCase();
  if (type.includes('multipart/form-data')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (boundary !== undefined && parseMultipart(text, boundary, out)) return;
  } else if (type.includes('json')) {
    if (parseJson(text, out)) return;
  } else if (type.includes('xml')) {
    parseXml(text, out);
    return;
  } else if (type.includes('x-www-form-urlencoded')) {
    parseUrlEncoded(text, 'body:form', out);
    return;
  }
  // Unknown or lying content type: inspect the raw text, and its form reading when it has one.
  out.push({ kind: 'arg', location: 'body:raw', value: text });
  if (type === '' && text.includes('=')) parseUrlEncoded(text, 'body:form', out);
}
