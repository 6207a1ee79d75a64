/**
 * Cross-site scripting: markup that starts script (tags, event handlers, script schemes, CSS
 * expressions), JavaScript sinks, and encodings browsers undo (entities, JS escapes, UTF-7,
 * split keywords). Most patterns run on the JS-escape-decoded view; scheme and split-tag checks run on
 * the compact view with all whitespace removed, because browsers ignore it inside `java\tscript:`.
 */
import type { PayloadRule } from '../types.ts';
import { Q, TEXT_TARGETS, patternRule, words } from './rule.ts';

const TAGS = words([
  'script', 'iframe', 'frame', 'frameset', 'form', 'svg', 'img', 'image', 'object', 'embed', 'applet', 'meta',
  'link', 'base', 'style', 'body', 'html', 'math', 'video', 'audio', 'source', 'input', 'button', 'textarea',
  'details', 'marquee', 'isindex', 'dialog', 'template', 'xmp', 'noscript', 'title', 'animate', 'set',
  'handler', 'bgsound', 'layer', 'ilayer', 'plaintext', 'listing', 'keygen', 'xss', 'vmlframe', 'a', 'div',
  'span', 'table', 'td', 'select', 'option', 'xml', 'import', 'portal', 'picture', 'track', 'noembed',
  'noframes', 'comment',
]);
// Tags worth flagging even when letters are spread out (`<f o r m`): long enough not to be text.
const SPREAD_TAGS = words([
  'script', 'iframe', 'frameset', 'form', 'svg', 'image', 'object', 'embed', 'applet', 'meta', 'link',
  'base', 'style', 'body', 'math', 'video', 'audio', 'details', 'marquee', 'isindex', 'dialog', 'template',
  'noscript', 'vmlframe', 'portal',
]);

const EVENT_HANDLER = /(?:^|[\s"'`;/0-9=,(\\+])(?:on[a-z]{3,40}|formaction|srcdoc|xlink:href|dynsrc|lowsrc|datasrc)[\s;,(]*=(?!=)/;

/** XSS rules. */
export const XSS_RULES: readonly PayloadRule[] = [
  patternRule('xss-script-tag', 'xss', 1, 'jsDecoded', /<\s*\/?\s*(?:[a-z]+\s*:\s*)?script\b/),
  {
    // Standard base64 (`…Hum/onafe=`) can spell a handler by chance; a pure token is not markup.
    id: 'xss-event-handler', family: 'xss', paranoia: 1, targets: TEXT_TARGETS,
    test: (views) => EVENT_HANDLER.test(views.jsDecoded) && !/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(views.decoded),
  },
  patternRule('xss-script-scheme', 'xss', 1, 'compact',
    /(?:java|vb|live|ecma|j)script:|-moz-binding|expression\(|@import|behavior:|#@~\^|\blanguage=["']?(?:j|vb)script/, TEXT_TARGETS, true),
  patternRule('xss-html-tag', 'xss', 1, 'jsDecoded', new RegExp(
    `<\\s*/?\\s*${TAGS}(?:\\s*/?>|[\\s/]+[\\w:-]+\\s*(?:=|/|$)|/|\\s*$|\\s+[\\w-]+\\s+[\\w/]+)|` +
    `<\\s*[a-z][\\w-]*\\s*:\\s*[a-z]+|<\\s*:\\s*[a-z]+|<\\s*[a-z][\\w:-]*(?:\\s+[\\w:-]+\\s*=\\s*["'\\w]|\\s*/?>)`)),
  patternRule('xss-spread-tag', 'xss', 1, 'compact', new RegExp(`<\\/?${SPREAD_TAGS}`)),
  patternRule('xss-js-sink', 'xss', 1, 'jsDecoded', new RegExp(
    '\\b(?:alert|prompt|confirm|eval|settimeout|setinterval|atob|btoa|fromcharcode|execscript|globaleval|msgbox|' +
    'createelement|getscript)\\s*[(`]|\\bnew\\s+function\\s*\\(|\\bimport\\s*\\(|\\bimport\\s*\\{[^}]*\\}\\s*from\\b|' +
    `\\bdocument\\s*\\)?\\s*(?:\\.|\\[\\s*${Q})\\s*(?:cookie|domain|write|location|body|forms)|` +
    `\\b(?:window|self|top|parent|frames|globalthis|document|this)\\s*\\)?\\s*\\[\\s*${Q}|\\.(?:innerhtml|outerhtml)\\s*=`)),
  patternRule('xss-jsfuck', 'xss', 1, 'noComments', /[!+]\s*\[\s*\]|\[\s*\]\s*\[|\(\s*!\s*\[/),
  patternRule('xss-data-uri', 'xss', 1, 'base',
    /data:\s*(?:[\w-]+\/[\w.+-]+)?\s*(?:;\s*[\w-]+(?:=[\w-]+)?)*\s*,\s*(?:<|[a-z]+\s*\()|data:\s*(?:text\/html|image\/svg|application\/(?:x-)?(?:java|ecma)script)/),
  patternRule('xss-utf7-charset', 'xss', 1, 'base', /\+ad[w4]-|charset\s*=\s*["']?\s*utf-?7/),
  patternRule('xss-malformed-ascii', 'xss', 1, 'jsDecoded', /\u00bc[^\u00be>]*[\u00be>]|<[^\u00be]*\u00be|\\xbc[^>]*\\xbe/),
  patternRule('xss-comment-close', 'xss', 2, 'base', /-->|<!--|<!\[cdata\[/),
  patternRule('xss-attribute-breakout', 'xss', 2, 'jsDecoded', new RegExp(`${Q}\\s*in\\s*[\\w$.]+\\s*=`)),
];
