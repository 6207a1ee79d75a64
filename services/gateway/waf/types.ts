/**
 * Types shared by the WAF engine and its rules. The engine is pure: it sees a plain description of
 * an HTTP request (no Express or Node stream types) and returns a verdict.
 */

/** Attack families a rule belongs to; `protocol` and `geo` are policy checks, not payload signatures. */
export type WafFamily = 'sqli' | 'xss' | 'rce' | 'lfi' | 'rfi' | 'protocol' | 'geo';

/** Where an inspected string came from; rules choose which kinds they look at. */
export type TargetKind =
  | 'path' // the URL path, percent-decoded
  | 'arg-name' // query, form, JSON or multipart field names, cookie names
  | 'arg' // their values
  | 'header' // values of headers that carry free text (User-Agent, Referer, custom X- headers)
  | 'filename'; // upload file names (multipart, X-Filename)

/** One string to inspect, with its location (the location is logged, the value never is). */
export interface Target {
  readonly kind: TargetKind;
  /** e.g. `query:q`, `header:user-agent`, `body:json:address.street` */
  readonly location: string;
  readonly value: string;
}

/** The request as the WAF sees it: raw bytes of the body, header values as received. */
export interface WafRequest {
  readonly method: string;
  /** Request target as sent: path plus optional `?query` (may contain a `#fragment` if a client sent one). */
  readonly url: string;
  /** Header names in any case; a repeated header is an array. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * Set when every header name is lower-case already (as Node gives them): lookups then read
   * `headers` directly instead of building a case-insensitive index.
   */
  readonly headerNamesLowerCase?: boolean;
  /** The body as received (may be empty). */
  readonly body?: Buffer | string;
  /** The HTTP version, e.g. `1.1`. */
  readonly httpVersion?: string;
}

/** One rule that fired. */
export interface RuleMatch {
  readonly ruleId: string;
  readonly family: WafFamily;
  /** Location of the matching target (never its content). */
  readonly location: string;
}

/** The WAF's answer: `block` only in Block mode; in Detect mode a match gives `detect`. */
export interface WafVerdict {
  readonly action: 'allow' | 'detect' | 'block';
  readonly matches: readonly RuleMatch[];
}

/** A signature rule: tests normalized strings of the target kinds it covers. */
export interface PayloadRule {
  readonly id: string;
  readonly family: Exclude<WafFamily, 'geo'>;
  /** 1 = default (fewest false positives) … 3 = strict. */
  readonly paranoia: 1 | 2 | 3;
  readonly targets: readonly TargetKind[];
  /**
   * Whether the rule can match a plain token (letters, digits, `_ . ~ -` only, which no decoder
   * changes). The engine skips the other rules for such values, the bulk of ordinary traffic.
   */
  readonly matchesPlainTokens?: boolean;
  /** Returns true when the (already normalized) views of one target show the attack. */
  readonly test: (views: Views, target: Target, ctx: RuleContext) => boolean;
}

/** Per-request facts rules may need (e.g. which hosts are "ours" for off-domain URLs). */
export interface RuleContext {
  readonly ownHosts: readonly string[];
}

/** Normalized views of one target, computed lazily and cached. */
export interface Views {
  /** decoded (URL ×n, HTML entities, NFKC), null bytes dropped, lower-cased, whitespace collapsed */
  readonly base: string;
  /** `base` with SQL/C comments replaced by a space */
  readonly noComments: string;
  /** `noComments` with JS escapes (\\xNN, \\uNNNN) decoded */
  readonly jsDecoded: string;
  /** shell view: quotes, backslashes, empty expansions removed; $IFS → space */
  readonly shell: string;
  /** `base` with all whitespace and control characters removed */
  readonly compact: string;
  /** the decoded value before lower-casing and collapsing (for length/character counts) */
  readonly decoded: string;
}
