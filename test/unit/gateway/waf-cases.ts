/**
 * Loading of the WAF's evaluation sets: the OWASP CRS regression corpus (outside the repository, in
 * `../shared/corpora/crs/`) and the benign shop traffic generated into `test/fixtures/waf/`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WafRequest } from '../../../services/gateway/waf/index.ts';

/** Root of the repository (this file is test/unit/gateway/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where the CRS corpus lives: beside the repository, as in CI's clean clone. */
export const CRS_CASES_PATH = path.resolve(REPO_ROOT, '../shared/corpora/crs/cases.jsonl');
/** Directory of the generated benign request sets. */
export const BENIGN_DIR = path.resolve(REPO_ROOT, 'test/fixtures/waf');

/** The fields of a CRS case the scorer uses. */
export interface CrsCase {
  readonly id: string;
  readonly family: string;
  readonly direction: string;
  readonly paranoia_level: number | null;
  readonly expect_block: boolean;
  readonly method: string;
  readonly uri: string;
  readonly version?: string;
  readonly headers_wire: Record<string, string>;
  readonly body_wire: string;
}

/** A benign request as stored in the fixtures. */
export interface BenignCase {
  readonly kind: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Reads the CRS corpus; throws a clear error when the shared directory is missing. */
export function loadCrsCases(): CrsCase[] {
  if (!existsSync(CRS_CASES_PATH)) {
    throw new Error(
      `CRS corpus not found at ${CRS_CASES_PATH}: the WAF scorer needs the shared corpora checked out ` +
        'beside the repository (../shared/corpora/crs/cases.jsonl relative to the repository root).',
    );
  }
  return readFileSync(CRS_CASES_PATH, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as CrsCase);
}

/** The request a CRS case sends on the wire. */
export function crsRequest(c: CrsCase): WafRequest {
  return {
    method: c.method,
    url: c.uri,
    headers: c.headers_wire,
    body: c.body_wire,
    httpVersion: (c.version ?? 'HTTP/1.1').replace('HTTP/', ''),
  };
}

/** Reads every `benign-*.jsonl` fixture. */
export function loadBenignCases(): BenignCase[] {
  const files = existsSync(BENIGN_DIR) ? readdirSync(BENIGN_DIR).filter((f) => /^benign-.*\.jsonl$/.test(f)) : [];
  if (files.length === 0) {
    throw new Error(`no benign fixtures in ${BENIGN_DIR}: run \`npx tsx test/fixtures/waf/generate-benign.ts\``);
  }
  return files.flatMap((f) =>
    readFileSync(path.join(BENIGN_DIR, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as BenignCase),
  );
}

/** The request of a benign case. */
export function benignRequest(c: BenignCase): WafRequest {
  return { method: c.method, url: c.url, headers: c.headers, body: c.body ?? '' };
}

/** Cases that count for detection: request side, expected to block, paranoia 1–2. */
export function scoredAttacks(cases: readonly CrsCase[]): CrsCase[] {
  return cases.filter((c) => c.direction === 'request' && c.expect_block && (c.paranoia_level === 1 || c.paranoia_level === 2));
}
