/**
 * Remote command execution: Unix and Windows shell commands chained after a separator or run by
 * absolute path, shell syntax (substitution, here-strings, brace expansion, globbing in paths,
 * Shellshock), mail-protocol command injection, dangerous upload names, and PHP/Java code injection.
 * Shell patterns run on the shell view, where `c'a't`, `c\at`, `ca$u\t` and `$IFS` are undone.
 */
import type { PayloadRule } from '../types.ts';
import { TEXT_TARGETS, patternRule, words } from './rule.ts';

// Commands that are not words of ordinary text: flagged wherever they stand after a separator or at the start.
const DISTINCT = words([
  'whoami', 'uname', 'ifconfig', 'ipconfig', 'netstat', 'nslookup', 'visudo', 'gunzip', 'zcat', 'zstdcat', 'unxz',
  'bzcat', 'xzcat', 'busybox', 'base64', 'base32', 'xxd', 'netcat', 'ncat', 'socat', 'wget', 'telnet', 'tftp',
  'powershell(?:\\.exe)?', 'pwsh', 'certutil', 'mshta', 'regedit', 'rundll32', 'regsvr32', 'bitsadmin', 'wmic',
  'cscript', 'wscript', 'schtasks', 'crontab', 'nohup', 'sudo', 'chmod', 'chown', 'chgrp', 'useradd', 'usermod',
  'mkfifo', 'mknod', 'lastlog', 'iptables', 'systemctl', 'ansible(?:-[\\w-]+)?', 'chef-[\\w-]+', 'cscli',
  'kubectl', 'gawk', 'hexdump', 'objdump', 'printenv', 'getent', 'tcpdump', 'nmap', 'aptitude', 'apt-get',
  'dpkg', 'msiexec', 'tasklist', 'taskkill', 'python\\d[\\d.]*', 'php\\d[\\d.]*', 'perl\\d[\\d.]*', 'passwd',
  'chattr', 'setfacl', 'bsdtar', 'cpulimit', 'lastlogin', 'htop', 'strace', 'ltrace', 'gdb', 'openssl', 'cmd\\.exe', 'sqlmap', 'chpasswd',
]);
// Interpreters and compilers: common enough as words that they need shell-like arguments at the start.
const INTERP = words([
  'python', 'perl', 'ruby', 'php', 'node', 'lua', 'tclsh', 'irb', 'gcc\\d*[\\d.]*', 'cc', 'c89', 'c99', 'tcc', 'curl',
  'rmt(?:-\\w+)?', 'awk', 'perf', 'sed', 'java', 'jshell', 'osascript', 'sh', 'bash', 'zsh', 'ksh', 'dash', 'csh', 'tcsh', 'cmd',
]);
// Short or ambiguous names (`set`, `time`, `at`): only after a strict separator, or with shell-like arguments.
const WEAK = words([
  'cat', 'tac', 'ls', 'cd', 'cp', 'mv', 'rm', 'ln', 'echo', 'printf', 'set', 'env', 'id', 'ps', 'kill', 'time', 'at',
  'more', 'less', 'head', 'tail', 'nl', 'od', 'sort', 'uniq', 'cut', 'tr', 'find', 'grep', 'egrep', 'fgrep', 'diff',
  'comm', 'fold', 'column', 'bridge', 'flock', 'trap', 'nc', 'ftp', 'ab', 'dd', 'df', 'du', 'file', 'stat', 'touch',
  'who', 'w', 'last', 'top', 'free', 'mount', 'su', 'exec', 'eval', 'export', 'source', 'type', 'dir', 'del', 'copy',
  'net', 'reg', 'sc', 'shutdown', 'ping', 'host', 'dig', 'ssh', 'scp', 'git', 'npm', 'pip', 'apt', 'yum', 'tee',
  'xargs', 'watch', 'timeout', 'nice', 'sleep', 'wc', 'rev', 'tar', 'zip', 'unzip', 'gzip', 'xz', 'rsync', 'strings',
  'ldd', 'lsof', 'pkill', 'killall', 'whereis', 'which', 'locate', 'history', 'alias', 'unset', 'start', 'call',
]);
// Reconnaissance commands that are an attack even alone as a value (`cmd=whoami`).
const STANDALONE = words([
  'whoami', 'ifconfig', 'ipconfig', 'netstat', 'visudo', 'printenv', 'systeminfo', 'tasklist', 'ansible-[\\w-]+', 'chef-[\\w-]+',
]);
const ANY_COMMAND = `(?:${DISTINCT}|${INTERP}|${WEAK})`;
const PATH_PREFIX = '(?:[\\w.-]*/)*';
const END = '(?![\\w-])';
const SHELL_ARG = `\\s+(?:-{1,2}[a-z]|/|~|\\$|\\.\\.?/|${PATH_PREFIX}(?:${DISTINCT}|${INTERP})${END})`;

/** RCE rules. */
export const RCE_RULES: readonly PayloadRule[] = [
  // Inside `$(`, backticks, process substitution or a here-string any command name is code; after
  // `;` `|` `&&` `||` (which prose uses too: "hello; time he came") an ordinary word needs shell-like
  // arguments, another command, a following operator or the end of the value.
  patternRule('rce-chained-command', 'rce', 1, 'shell', new RegExp(
    `(?:\`|\\$\\(|<<<|[<>]\\(|\\{)\\s*\\(?\\s*${PATH_PREFIX}${ANY_COMMAND}${END}|` +
    `(?:[;|&])\\s*\\(?\\s*${PATH_PREFIX}(?:${DISTINCT}${END}|(?:${INTERP}|${WEAK})${END}(?:\\s*$|\\s*[;|&<>\`)]|${SHELL_ARG}|\\s+${WEAK}${END}))`)),
  patternRule('rce-escaped-command', 'rce', 1, 'base',
    new RegExp(`(?:^|[;&|\`(])\\s*\\\\${ANY_COMMAND}${END}|\\$\\{?\\w+\\}?\\s+-[a-z]\\b`)),
  patternRule('rce-command-start', 'rce', 1, 'shell', new RegExp(
    `(?:^|[&\\n\\r]|\\(\\s*\\)\\s*\\{[^}]*\\}\\s*;?)\\s*${PATH_PREFIX}(?:${STANDALONE}${END}|${DISTINCT}${END}\\s+\\S|(?:${INTERP}|${WEAK})${END}${SHELL_ARG})`),
    ['path', 'arg', 'header', 'filename'], true),
  patternRule('rce-binary-path', 'rce', 1, 'shell', /(?:^|[^\w.])\/?(?:usr\/(?:local\/)?)?s?bin\/[\w.-]+/),
  patternRule('rce-shell-syntax', 'rce', 1, 'base',
    /\$\(|\$\{|\$\[|[<>]\(\s*\w|`[^`]*[a-z][^`]*`|\(\s*\)\s*\{|<<<|\{[^{}\s:]*,[^{}\s:]*\}/),
  patternRule('rce-path-glob', 'rce', 1, 'shell',
    /(?:^|[\s;|&=])\/(?:[\w.-]+\/)*[\w.-]*[[?*][^/\s=&]*\/[\w.?*[\]!-]*|(?:^|[\s;|&=])(?:\/[\w.-]*)*\/[\w.-]*\[[^\]\s]*\]/),
  patternRule('rce-windows-control', 'rce', 1, 'base', new RegExp(
    '\\bfor\\s+(?:/[dlrf]\\b[^%]*)?%%?\\S+\\s+in\\s*\\(|' +
    '\\bif(?:\\s*/i)?(?:\\s+not)?\\s*(?:exist\\b|errorlevel\\b|defined\\b|cmdextversion\\b|' +
    '[^\\s=]+\\s*(?:==|\\b(?:equ|neq|lss|leq|gtr|geq)\\b))|' +
    '(?:^|[;&|])\\s*(?:cmd|command)(?:\\.exe|\\.com)?\\s*/[ck]\\b')),
  patternRule('rce-mail-command', 'rce', 1, 'decoded',
    /[\r\n]\s*(?:mail\s+from\s*:|rcpt\s+to\s*:|ehlo\s|helo\s|vrfy\s|expn\s)|[\r\n]\s*[a-z]*\d+\s+(?:append|authenticate|status|uid|select|examine|login|fetch|store|list|lsub|copy|logout|capability|noop|create|delete|rename|subscribe|search|starttls)\b/i),
  patternRule('rce-tilde-expansion', 'rce', 2, 'base', /^\s*~[+-]?\d+\s*$/, ['arg'], true),
  patternRule('rce-restricted-filename', 'rce', 1, 'compact',
    /\.(?:php\d?|phtml|phar|jspx?|aspx?|ascx|cgi|pl|py|rb|sh|bash|exe|bat|cmd|com|ps1|vbs|dll|so|war|htaccess|htpasswd)$|(?:^|[\\/])(?:\.[\w.-]+|wp-config[\w.-]*|settings\.\w+|config(?:uration)?\.(?:ya?ml|json|ini|php|xml|inc)|web\.config|id_rsa\w*|mtrr|acpi|passwd|shadow)$/,
    ['filename'], true),
  patternRule('rce-code-injection', 'rce', 1, 'noComments', new RegExp(
    '<\\?(?:php\\b|=)|\\b(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|assert|base64_decode|' +
    'file_get_contents|file_put_contents|call_user_func(?:_array)?|create_function|preg_replace)\\s*\\(|' +
    '\\$_(?:get|post|request|cookie|server|files|env)\\b|\\bphp://|\\bjava\\.lang\\.|runtime\\s*\\.\\s*getruntime|' +
    'processbuilder|\\bclass\\.module\\.classloader|\\$\\{\\s*jndi\\s*:|#\\{[^}]*\\}|%\\{[^}]*[(.@#][^}]*\\}'), TEXT_TARGETS, true),
];
