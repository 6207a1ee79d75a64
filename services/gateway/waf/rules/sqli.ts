/**
 * SQL injection: statement structure (UNION SELECT, stacked queries), breaking out of a quoted
 * literal, tautologies, SQL functions and operators used as probes. Patterns run on the view with
 * comments removed, so `UN/**\/ION` and `/*!50000select*\/` fold back into keywords.
 */
import type { PayloadRule } from '../types.ts';
import { ARG_TARGETS, Q, TEXT_TARGETS, patternRule, words } from './rule.ts';

// Functions an injected probe calls; generic names (max, date, user) only count as a call `name(`.
const SQL_FUNCTIONS = words([
  'abs', 'acos', 'ascii', 'asin', 'atan2?', 'avg', 'bin', 'bit_length', 'cast', 'ceil(?:ing)?', 'char', 'chr',
  'char_length', 'coalesce', 'concat(?:_ws)?', 'conv', 'convert', 'cos', 'cot', 'count', 'crc32', 'curdate',
  'current_(?:date|time|timestamp|user)', 'curtime', 'database', 'date', 'date_(?:add|format|sub)', 'datediff',
  'day(?:name|of(?:week|month|year))?', 'default', 'degrees', 'elt', 'exp', 'export_set', 'extract', 'field',
  'find_in_set', 'floor', 'format', 'from_base64', 'greatest', 'group_concat', 'hex', 'if', 'ifnull', 'iif', 'in',
  'insert', 'instr', 'isnull', 'last_insert_id', 'lcase', 'least', 'left', 'length', 'likel(?:y|ihood)', 'unlikely',
  'ln', 'load_file', 'local(?:time|timestamp)?', 'locate', 'log(?:2|10)?', 'lower', 'lpad', 'ltrim', 'make_set',
  'max', 'md5', 'mid', 'min', 'minute', 'mod', 'month', 'name_const', 'now', 'nullif', 'oct', 'ord', 'overlay',
  'password', 'pi', 'position', 'pow(?:er)?', 'quarter', 'quote', 'radians', 'rand', 'repeat', 'replace',
  'reverse', 'right', 'round', 'row_count', 'rpad', 'rtrim', 'schema', 'second', 'sha[12]?', 'sign', 'sin',
  'sleep', 'soundex', 'space', 'sqrt', 'std(?:dev)?', 'strcmp', 'string_agg', 'array_agg', 'subdate', 'substr',
  'substring(?:_index)?', 'sum', 'sysdate', 'system_user', 'tan', 'time', 'timestamp', 'to_base64', 'to_char',
  'trim', 'truncate', 'ucase', 'unhex', 'upper', 'user', 'utc_date', 'uuid', 'values', 'variance', 'version',
  'week(?:day)?', 'year', 'json_\\w+', 'xmltype', 'extractvalue', 'updatexml', 'benchmark', 'pg_sleep', 'lo_get',
  'lo_import', 'starts_with', 'encode', 'decode', 'char_length', 'glob',
]);

// Functions and objects that only appear in attacks against a database.
const SQL_STRONG = words([
  'sleep\\s*\\(', 'benchmark\\s*\\(', 'pg_sleep\\b', 'waitfor\\s+(?:delay|time)\\b', 'load_file\\s*\\(',
  'extractvalue\\s*\\(', 'updatexml\\s*\\(', 'xp_cmdshell\\b', 'sp_\\w+\\b\\s*[@\'"]', 'group_concat\\s*\\(',
  'concat(?:_ws)?\\s*\\(', 'information_schema\\b', 'sysobjects\\b', 'syscolumns\\b', 'pg_catalog\\b',
  'sqlite_master\\b', 'mysql\\.user\\b', 'lo_get\\s*\\(', 'lo_import\\s*\\(', 'dbms_\\w+\\.', 'utl_http\\.',
  'json_search\\s*\\(', 'json_array\\s*\\(', 'make_set\\s*\\(', 'procedure\\s+analyse\\b', '@@\\w+', 'xmltype\\s*\\(',
  'into\\s+(?:out|dump)file\\b', 'name_const\\s*\\(', 'starts_with\\s*\\(',
]);

const OPERATOR_ONLY =
  /^\s*(?:xor|rlike|regexp|is\s+(?:not\s+)?null|like\s+null|not\s+between|between|>>|<<|&&|\|\||!=|<>|<=>?|>=|==|->|!)\s*$/;

const QUOTE_KEYWORD = new RegExp(
  `${Q}[\\s);]*(?:or|and|xor|union|select|alter|insert|update|delete|drop|exec|execute|having|order|group|` +
  `waitfor|sleep|benchmark|like|rlike|regexp|collate|notnull|is|between|similar|glob|ilike|into|from|where|` +
  `limit|procedure|case|when|div|mod)(?![\\w\\u00c0-\\u024f])`, 'g');
// A quoted title that starts with a keyword (`"Union von Europa"`, `"Select" jeans`, `'Order of the
// Phoenix'`): an opening quote after a space, the word right after it, a closing quote after words.
const QUOTED_PHRASE = new RegExp(`^(${Q})[a-z\\u00c0-\\u024f][\\w\\u00c0-\\u024f]*(?: [\\w\\u00c0-\\u024f.,!-]+)*\\1(?:$|[\\s.,;:!?)])`);

/** Quote followed by an SQL keyword, unless it is a quoted phrase or an elision (`d'or`, `l'or`). */
function quoteKeyword(text: string): boolean {
  for (const m of text.matchAll(QUOTE_KEYWORD)) {
    const at = m.index;
    const before = at === 0 ? '' : text[at - 1] ?? '';
    const opening = before === '' || before === ' ' || before === '(' || before === '=';
    if (opening && QUOTED_PHRASE.test(text.slice(at))) continue;
    if (/(?:^|[^\w])[dl]$/.test(text.slice(Math.max(0, at - 2), at)) && /^'[a-z]+$/.test(m[0])) continue;
    return true;
  }
  return false;
}

// JSON put in a parameter or cookie (filters, consent state) is full of quotes and colons by nature.
function isJsonDocument(text: string): boolean {
  const t = text.trim();
  if (!/^[[{]/.test(t)) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

const UNION_SELECT = /\bunion\b[\s(]*(?:all\b|distinct(?:row)?\b)?[\s(]*select\b/;

/** SQL injection rules. */
export const SQLI_RULES: readonly PayloadRule[] = [
  {
    // Also with comments deleted outright: some parsers and filters join `UN/**/ION` into a keyword.
    id: 'sqli-union-select', family: 'sqli', paranoia: 1, targets: TEXT_TARGETS,
    test: (views) => UNION_SELECT.test(views.noComments) || (views.base.includes('/*') && UNION_SELECT.test(views.base.replace(/\/\*.*?\*\//g, ''))),
  },
  {
    id: 'sqli-quote-keyword', family: 'sqli', paranoia: 1, targets: TEXT_TARGETS,
    test: (views) => quoteKeyword(views.noComments),
  },
  patternRule('sqli-quote-operator', 'sqli', 1, 'noComments',
    new RegExp(`${Q}\\s*(?:\\|\\|?|&&|=|\\*|\\?|<>|!=|<=>|#|--|\\^)|(?:\\^|#)\\s*${Q}|${Q}\\w*${Q}\\s*(?:=|<|>|!=)`)),
  patternRule('sqli-tautology', 'sqli', 1, 'noComments',
    /(?:^|[^\w])(\w+)\s*(?:=|<=>|==|\blike\b|\bglob\b|\bis\b)\s*\1(?:\b|$)|\b(?:or|and|xor)\s+(?:\d+|true|false)\b\s*(?:[=<>!]|$|\blike\b)/),
  patternRule('sqli-strong-function', 'sqli', 1, 'noComments', new RegExp(`(?:^|[^\\w])${SQL_STRONG}`), TEXT_TARGETS, true),
  patternRule('sqli-statement', 'sqli', 1, 'noComments', new RegExp(
    '\\b(?:insert\\s+into|delete\\s+from|drop\\s+(?:table|database|schema|view|function|procedure|user)|' +
    'create\\s+(?:table|database|function|procedure|view|trigger|user)|alter\\s+(?:table|database|user|view)|' +
    'truncate\\s+table|replace\\s+into|update\\s+[\\w.`"]+\\s+set\\b|declare\\s+@\\w+|set\\s+@\\w+\\s*=|' +
    'case\\s+when\\b|when\\s+\\S+\\s+then\\b|exec(?:ute)?\\s+(?:master\\.|xp_|sp_|immediate\\b)|' +
    'from\\s*\\(\\s*select\\b|in\\s*\\(\\s*select\\b|(?:all|any|some)\\s*\\(\\s*select\\b|except\\s+(?:select|values)\\b|' +
    'select\\b[\\s(]*(?:\\*|@|\\d|0x|null\\b|distinct\\b|top\\b|all\\b|case\\b|if\\b|[\\w.`"\\[\\]]+\\s*(?:,|\\(|\\bfrom\\b|\\binto\\b|\\bwhere\\b|\\|\\|)))')),
  patternRule('sqli-stacked-query', 'sqli', 1, 'noComments',
    /;\s*(?:select|insert|update|delete|drop|truncate|replace|create|alter|declare|exec|execute|shutdown|grant|revoke|rename|set\s+@?\w+\s*=)\b/),
  patternRule('sqli-cast-operator', 'sqli', 1, 'noComments',
    /::\s*(?:int|integer|text|varchar|bigint|numeric|regclass|bytea|json|char)\b|\)\s*like\s*\(|\bor\s+(?:true|false)\b/),
  patternRule('sqli-alias-from', 'sqli', 2, 'noComments',
    new RegExp(`\\bas\\s*${Q}[^'"\`]*${Q}?\\s*from\\b|\\bfrom\\s+(?:${Q}[\\w$]+${Q}|[\\w.]+\\s+(?:where|limit|order\\s+by|group\\s+by)\\b)|${Q}[\\w$]+${Q}\\.${Q}`)),
  patternRule('sqli-clause-probe', 'sqli', 2, 'noComments', new RegExp(
    '\\b(?:order|group)\\s+by\\b|\\bhaving\\b\\s*(?:\\d|count|sum|\\(|\\w+\\s*[=<>])|\\bexecute\\s*(?:\\(|\\w)|' +
    '\\b(?:rlike|regexp|notnull|sounds\\s+like|similar\\s+to)\\b|\\bis\\s+(?:not\\s+)?null\\b|' +
    `\\bnot\\s+between\\b|\\blike\\s*${Q}|\\bcollate\\b|\\bin\\s*\\(\\s*[-\\d'"]|\\bvalues\\s*\\(|\\barray\\s*\\[|~\\s*all\\s*\\(`), TEXT_TARGETS, true),
  patternRule('sqli-function-call', 'sqli', 2, 'noComments', new RegExp(
    `\\b${SQL_FUNCTIONS}\\b(?:[^\\w\\s]{0,6}\\(|[^\\w]{0,6}\\(\\s*(?:$|select\\b|${Q}|\\d|\\*|@|\\)|-|0x))`)),
  patternRule('sqli-hex-literal', 'sqli', 2, 'noComments', new RegExp(`(?:^|[^\\w])0x[0-9a-f]{2,}(?!\\w)|\\\\0x[0-9a-f]{2,}|\\b[xb]'[0-9a-f]+'|${Q}\\s*,\\s*(?:\\(|0x)`), TEXT_TARGETS, true),
  patternRule('sqli-operator-probe', 'sqli', 2, 'noComments', OPERATOR_ONLY, ARG_TARGETS, true),
  {
    // Many SQL metacharacters in one value (CRS 942430): blind probes and obfuscated payloads.
    id: 'sqli-char-anomaly', family: 'sqli', paranoia: 2, targets: ARG_TARGETS, matchesPlainTokens: true,
    test: (views) => (views.decoded.match(/[~!@#$%^&*()\-+={}[\]|:;"'´’‘`<>]/g)?.length ?? 0) >= 12 && !isJsonDocument(views.decoded),
  },
];

export { TEXT_TARGETS };
