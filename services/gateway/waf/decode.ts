/**
 * Decoders and the normalization pipeline. Attackers hide payloads behind layers of encoding, so
 * every target is decoded the way a downstream parser might decode it before any rule looks at it.
 */
import type { Views } from './types.ts';

/** How many times percent-decoding is repeated (double and triple encoding are common evasions). */
export const MAX_URL_DECODE_PASSES = 3;

const utf8 = new TextDecoder('utf-8', { fatal: false });

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/**
 * One pass of tolerant percent-decoding: valid `%XX` runs are decoded as UTF-8, IIS-style `%uXXXX`
 * as a code unit, malformed sequences are kept as they are (decodeURIComponent would throw).
 * @param plusAsSpace decode `+` as a space (form and query encoding)
 */
export function percentDecode(input: string, plusAsSpace = false): string {
  if (!input.includes('%') && !(plusAsSpace && input.includes('+'))) return input;
  let out = '';
  const bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) {
      out += utf8.decode(Uint8Array.from(bytes));
      bytes.length = 0;
    }
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input.charCodeAt(i);
    if (ch === 37 /* % */) {
      const h1 = hexValue(input.charCodeAt(i + 1));
      const h2 = hexValue(input.charCodeAt(i + 2));
      if (h1 >= 0 && h2 >= 0) {
        bytes.push(h1 * 16 + h2);
        i += 2;
        continue;
      }
      const u = input[i + 1];
      if ((u === 'u' || u === 'U') && /^[0-9a-fA-F]{4}$/.test(input.slice(i + 2, i + 6))) {
        flush();
        out += String.fromCharCode(parseInt(input.slice(i + 2, i + 6), 16));
        i += 5;
        continue;
      }
    }
    flush();
    out += plusAsSpace && ch === 43 ? ' ' : input[i];
  }
  flush();
  return out;
}

/** Percent-decodes until the value stops changing or the pass limit is reached. */
export function percentDecodeRepeated(input: string, passes = MAX_URL_DECODE_PASSES): string {
  let current = input;
  for (let i = 0; i < passes; i++) {
    const next = percentDecode(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

// Named entities that matter for hiding markup or scheme names; accents are irrelevant to rules.
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', tab: '\t', newline: '\n', colon: ':', sol: '/',
  bsol: '\\', lpar: '(', rpar: ')', semi: ';', comma: ',', period: '.', excl: '!', num: '#',
  dollar: '$', percnt: '%', ast: '*', plus: '+', equals: '=', quest: '?', commat: '@', lsqb: '[',
  rsqb: ']', lowbar: '_', grave: '`', lcub: '{', rcub: '}', verbar: '|', nbsp: ' ', hyphen: '-',
};

/** Decodes numeric (with or without `;`) and the named HTML entities listed above. */
export function htmlEntityDecode(input: string): string {
  if (!input.includes('&')) return input;
  return input.replace(/&(?:#x([0-9a-f]{1,6});?|#(\d{1,7});?|([a-z]{2,8});)/gi, (whole, hex, dec, name) => {
    if (hex !== undefined || dec !== undefined) {
      const code = hex !== undefined ? parseInt(hex as string, 16) : parseInt(dec as string, 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[(name as string).toLowerCase()] ?? whole;
  });
}

/** Decodes JavaScript/C escapes `\xNN`, `\uNNNN` and `\u{...}`. */
export function jsEscapeDecode(input: string): string {
  if (!input.includes('\\')) return input;
  return input.replace(/\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|u\{([0-9a-f]{1,6})\})/gi, (whole, x, u, cp) => {
    const code = parseInt((x ?? u ?? cp) as string, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * Full decode: percent (repeated), HTML entities, percent again (entities can hide `%`),
 * Unicode NFKC (full-width and compatibility forms fold to ASCII), and null bytes dropped.
 */
export function fullDecode(input: string): string {
  // Fast path: printable ASCII without escape introducers decodes to itself.
  if (/^[\x20-\x7e]*$/.test(input) && !/[%&]/.test(input)) return input;
  let s = percentDecodeRepeated(input);
  s = htmlEntityDecode(s);
  s = percentDecodeRepeated(s);
  // Typographic apostrophes first: NFKC would turn the acute accent into a space plus a combining mark.
  s = s.replace(/[´’‘ʼ]/g, "'").normalize('NFKC');
  return s.includes('\0') ? s.replaceAll('\0', '') : s;
}

/**
 * Replaces `/* ... *\/` comments (including MySQL `/*!50000 ... *\/`), a dangling `/*`, and `#` or
 * `-- ` comments that end at a line break (`union#\nselect`) with a space.
 */
export function stripComments(input: string): string {
  let s = input;
  if (s.includes('#') || s.includes('--')) s = s.replace(/(?:#|--)[^\n]*\n/g, ' ');
  if (!s.includes('/*')) return s;
  return s
    .replace(/\/\*!\d*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\*[\s\S]*$/, ' ')
    .replace(/\*\//g, ' ');
}

/** Collapses all whitespace and vertical-tab/form-feed runs into one space. */
export function collapseWhitespace(input: string): string {
  if (!/\s\s|[^\S ]/.test(input)) return input;
  return input.replace(/[\s\v\f]+/g, ' ');
}

/**
 * The shell's view of a string: quoting and escaping removed (`c'a't`, `c\at`), `$IFS` as a space,
 * empty or unset variable expansions (`$u`, `${u}`, `$@`) removed — the tricks that split command names.
 */
export function shellView(input: string): string {
  return collapseWhitespace(
    input
      .replace(/\$\{?ifs\}?/g, ' ')
      .replace(/\$[_@*#?!](?=[a-z])/g, '')
      .replace(/\$(?:[@*#?!_]|[a-z_][a-z0-9_]*|\{[a-z_][a-z0-9_]*\})(?![a-z0-9_({])/g, '')
      .replace(/\$[_@*#?!]/g, '')
      .replace(/["'\\^]/g, '')
      .replace(/\+/g, ' '),
  );
}

/**
 * The lazily computed normalized views of one target value. A class (getters on the prototype)
 * rather than an object literal: one small object per target instead of six closures, which
 * matters on the request path.
 */
class LazyViews implements Views {
  private decodedValue: string | undefined;
  private baseValue: string | undefined;
  private noCommentsValue: string | undefined;
  private jsDecodedValue: string | undefined;
  private shellValue: string | undefined;
  private compactValue: string | undefined;

  constructor(private readonly raw: string) {}

  get decoded(): string {
    return (this.decodedValue ??= fullDecode(this.raw));
  }

  get base(): string {
    return (this.baseValue ??= collapseWhitespace(this.decoded.toLowerCase()));
  }

  get noComments(): string {
    if (this.noCommentsValue === undefined) {
      const lower = this.decoded.toLowerCase();
      this.noCommentsValue = /\/\*|#|--|\*\//.test(lower) ? collapseWhitespace(stripComments(lower)) : this.base;
    }
    return this.noCommentsValue;
  }

  get jsDecoded(): string {
    // No NFKC here: `\xbc` must stay `¼` for the malformed-ASCII rule.
    return (this.jsDecodedValue ??= this.noComments.includes('\\')
      ? collapseWhitespace(jsEscapeDecode(this.noComments).toLowerCase())
      : this.noComments);
  }

  get shell(): string {
    return (this.shellValue ??= /[$"'\\^]/.test(this.base) ? shellView(this.base) : this.base);
  }

  get compact(): string {
    // eslint-disable-next-line no-control-regex -- control characters are exactly what browsers skip here
    return (this.compactValue ??= /[\s\x00-\x1f]/.test(this.base) ? this.base.replace(/[\s\v\f\x00-\x1f]+/g, '') : this.base);
  }
}

/** Builds the lazily computed normalized views of one target value. */
export function makeViews(raw: string): Views {
  return new LazyViews(raw);
}
