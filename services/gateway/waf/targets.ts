/**
 * Turns a request into the list of strings rules inspect: path, query fields, cookies, the headers
 * that carry free text, and the body's fields.
 */
import { bodyTargets, parseUrlEncoded } from './body.ts';
import { percentDecode } from './decode.ts';
import type { Target, WafRequest } from './types.ts';

// Headers with a fixed grammar that the protocol rules check; inspecting them for injections would
// only add false positives (Accept lists, language ranges, encodings).
const STRUCTURED_HEADERS = new Set([
  'host', 'accept', 'accept-encoding', 'accept-language', 'accept-charset', 'connection', 'content-length',
  'content-type', 'keep-alive', 'proxy-connection', 'cache-control', 'pragma', 'upgrade-insecure-requests',
  'if-none-match', 'if-modified-since', 'te', 'transfer-encoding', 'range', 'origin', 'dnt', 'priority',
  'x-correlation-id', 'x-request-id', 'traceparent', 'tracestate', 'x-forwarded-for', 'x-forwarded-proto',
  'x-forwarded-host', 'x-forwarded-port', 'x-real-ip', 'forwarded', 'idempotency-key', 'cookie',
]);
const FILENAME_HEADERS = new Set(['x-filename', 'x_filename', 'x-file-name']);

// Header names lower-cased once per request (protocol checks look several up, most are absent).
const headerIndexes = new WeakMap<object, Map<string, string[]>>();

function headerIndex(req: WafRequest): Map<string, string[]> | undefined {
  if (req.headerNamesLowerCase === true) return undefined;
  let index = headerIndexes.get(req.headers);
  if (index === undefined) {
    index = new Map();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      const name = key.toLowerCase();
      const list = index.get(name) ?? [];
      if (typeof value === 'string') list.push(value);
      else list.push(...value);
      index.set(name, list);
    }
    headerIndexes.set(req.headers, index);
  }
  return index;
}

/** First value of a header (case-insensitive), or undefined. */
export function headerValue(req: WafRequest, name: string): string | undefined {
  const index = headerIndex(req);
  if (index !== undefined) return index.get(name.toLowerCase())?.[0];
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' || value === undefined ? value : value[0];
}

/** Every value of a header (a repeated header yields several). */
export function headerValues(req: WafRequest, name: string): readonly string[] {
  const index = headerIndex(req);
  if (index !== undefined) return index.get(name.toLowerCase()) ?? [];
  const value = req.headers[name.toLowerCase()];
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

// `header:<name>` locations, built once per header name (a bounded set: names repeat).
const headerLocations = new Map<string, string>();
function headerLocation(name: string): string {
  let location = headerLocations.get(name);
  if (location === undefined) {
    location = `header:${name}`;
    if (headerLocations.size < 1_000) headerLocations.set(name, location);
  }
  return location;
}

/** Splits a request target into path and query (a fragment, which clients must not send, stays in the query). */
export function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function cookieTargets(header: string, out: Target[]): void {
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    const location = `cookie:${name.slice(0, 64)}`;
    out.push({ kind: 'arg-name', location, value: name });
    if (eq >= 0) out.push({ kind: 'arg', location, value: pair.slice(eq + 1).trim() });
  }
}

function headerTargets(name: string, value: string, out: Target[]): void {
  if (name === 'cookie') cookieTargets(value, out);
  else if (FILENAME_HEADERS.has(name)) out.push({ kind: 'filename', location: headerLocation(name), value });
  else if (!STRUCTURED_HEADERS.has(name)) out.push({ kind: 'header', location: headerLocation(name), value });
}

/** All inspection targets of a request. */
export function requestTargets(req: WafRequest): Target[] {
  const out: Target[] = [];
  const { path, query } = splitUrl(req.url);
  out.push({ kind: 'path', location: 'path', value: percentDecode(path) });
  // The seed's tracking link is `/rastreio?<hash>`: a query that is one bare token is a value (a hash,
  // inspected as any argument value is), not a field name held to the name-length limit.
  if (query !== '' && !/[=&;]/.test(query)) out.push({ kind: 'arg', location: 'query:(bare)', value: percentDecode(query) });
  else parseUrlEncoded(query, 'query', out);
  const headers = req.headers;
  const lowerCase = req.headerNamesLowerCase === true;
  for (const key in headers) {
    const raw = headers[key];
    if (raw === undefined) continue;
    const name = lowerCase ? key : key.toLowerCase();
    if (typeof raw === 'string') headerTargets(name, raw, out);
    else for (const value of raw) headerTargets(name, value, out);
  }
  const body = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : req.body.toString('utf8');
  bodyTargets(body, headerValue(req, 'content-type') ?? '', out);
  return out;
}
