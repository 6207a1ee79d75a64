/**
 * Code injection into interpreters behind the shop's APIs (counted as `rce`): Java class and
 * deserialization-gadget names, PHP functions and variable-function tricks, server-side template
 * expressions, Node.js/Python object-model escapes; plus session-fixation parameters and internal
 * addresses used for SSRF (paranoia 2).
 */
import type { PayloadRule } from '../types.ts';
import { ARG_TARGETS, TEXT_TARGETS, patternRule, words } from './rule.ts';

const JAVA_GADGETS = words([
  'clonetransformer', 'invokertransformer', 'instantiatetransformer', 'chainedtransformer', 'constanttransformer',
  'instantiatefactory', 'templatesimpl', 'processimpl', 'unixprocess', 'processbuilder', 'scriptenginemanager',
  'jndilookup', 'jdbcrowsetimpl', 'beanfactory', 'urlclassloader', 'methodinvoker', 'getruntime',
]);
const PHP_FUNCTIONS = words([
  'phpinfo', 'php_uname', 'getenv', 'putenv', 'ini_set', 'ini_get_all', 'show_source', 'highlight_file', 'readfile',
  'fsockopen', 'pfsockopen', 'curl_exec', 'getpwuid', 'posix_\\w+', 'pcntl_\\w+', 'escapeshellcmd', 'escapeshellarg',
  'create_function', 'call_user_func(?:_array)?', 'unserialize', 'gzinflate', 'str_rot13', 'hex2bin', 'chr', 'ord',
]);
const PHP_CALLABLES = words(['system', 'exec', 'passthru', 'shell_exec', 'eval', 'assert', 'popen', 'proc_open', 'phpinfo', 'base64_decode']);

/** Code-injection rules. */
export const CODE_RULES: readonly PayloadRule[] = [
  patternRule('rce-java-injection', 'rce', 1, 'noComments', new RegExp(
    `\\b(?:java|javax|jdk|sun)\\.(?:lang|io|net|util\\.\\w|beans|rmi|naming|nio|security|script)\\b|\\b${JAVA_GADGETS}\\b|` +
    '\\bjava\\.\\w+\\.(?:runtime|process\\w*|\\w*classloader|system)\\b|\\bclass\\.(?:module|classloader)\\b'), TEXT_TARGETS, true),
  patternRule('rce-php-injection', 'rce', 1, 'noComments', new RegExp(
    `\\b${PHP_FUNCTIONS}\\s*\\(\\s*[^\\s)]|\\$[a-z_][\\w]*\\s*\\(|\\$\\s+\\{|\\(\\s*["']?${PHP_CALLABLES}["']?\\s*\\)\\s*\\(|` +
    `return\\s*["']\\w+["']\\s*\\(|["']\\s*\\.\\s*["'][a-z]+["']\\s*\\.\\s*["']|\\(\\s*[a-z]{1,4}\\s*\\.\\s*\\(\\s*[a-z]{1,4}\\s*\\)\\s*\\.`)),
  patternRule('rce-template-injection', 'rce', 1, 'base',
    /\{\{[^}]*(?:[*+|(]|\.__|\bconfig\b|\bself\b|\brequest\b)[^}]*\}\}|\{%[^%]*%\}|<%[=\s][^%]*%>|@\{\s*\[|__(?:class|mro|subclasses|globals|builtins|import|proto)__/),
  patternRule('rce-node-injection', 'rce', 1, 'noComments',
    /\brequire\s*\(\s*["'`](?:child_process|fs|net|vm)["'`]|\bprocess\s*\.\s*(?:mainmodule|binding|dlopen|kill)\b|\bconstructor\s*\.\s*prototype\b|\bconstructor\s*\(\s*["'`]|\bwhile\s*\(\s*!?\s*(?:true|false|-?\d+)\s*\)/),
  {
    // Session ids in a URL or form let an attacker fix a victim's session (CRS 943).
    id: 'protocol-session-fixation', family: 'protocol', paranoia: 1, targets: ['arg-name', 'path'],
    test: (views, target) => !target.location.startsWith('cookie:') &&
      (target.kind === 'path' ? /;\s*(?:jsessionid|phpsessid)=/.test(views.base) : /^(?:jsessionid|phpsessid|aspsessionid\w*|asp\.net_sessionid|cfid|cftoken)$/.test(views.base)),
  },
  patternRule('rfi-internal-address', 'rfi', 2, 'base',
    /\b169\.254\.169\.254\b|\bmetadata\.google\.internal\b|\b(?:localhost|localhost\.localdomain)\b|\b127\.\d+\.\d+\.\d+\b|\b0\.0\.0\.0\b|:\/\/\[[0-9a-f:]*:[0-9a-f:.]*\]/, ARG_TARGETS, true),
];
