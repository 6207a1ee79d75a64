/**
 * Path traversal and local file inclusion: `..` segments in any separator style (decoded, so
 * `%252e%252e%252f` counts) and names of files that hold secrets or system state.
 */
import type { PayloadRule } from '../types.ts';
import { TEXT_TARGETS, patternRule, words } from './rule.ts';

const SENSITIVE_FILES = words([
  '[\\\\/]etc[\\\\/](?:passwd|shadow|master\\.passwd|group|gshadow|hosts|issue|hostname|resolv\\.conf|crontab|' +
    'sudoers|fstab|mtab|motd|profile|environment|apache2?|httpd|nginx|ssh|mysql|php\\d?|security|ssl|pam\\.d|cron\\.\\w+)\\b',
  '[\\\\/]proc[\\\\/](?:self|\\d+|sys|net|version|cpuinfo|meminfo|mounts|cmdline|environ|kcore)\\b',
  '[\\\\/]root[\\\\/]', '[\\\\/]var[\\\\/](?:log|www|lib|run|mail|spool)[\\\\/]', '[\\\\/]usr[\\\\/]local[\\\\/]etc\\b',
  '[\\\\/]sys[\\\\/](?:class|kernel|devices)\\b', '[\\\\/]dev[\\\\/](?:tcp|udp|mem|kmem|shm)\\b',
  '(?:^|[\\\\/\\s=])\\.(?:ssh|aws|kube|docker|git|svn|hg|gnupg|bash_history|bashrc|bash_profile|zshrc|profile|' +
    'npmrc|netrc|pgpass|my\\.cnf|htaccess|htpasswd|env|boto|s3cfg|viminfo|mysql_history|psql_history)\\b',
  '\\bid_(?:rsa|dsa|ecdsa|ed25519)\\b', '\\bauthorized_keys\\b', '\\bknown_hosts\\b',
  '\\b(?:boot|win|system)\\.ini\\b', '(?:[a-z]:)?[\\\\/](?:windows|winnt)[\\\\/]', '[\\\\/]system32[\\\\/]',
  '\\bweb\\.config\\b', '\\bwp-config\\.php\\b', '\\bweb-inf[\\\\/]',
]);

/** LFI rules. */
export const LFI_RULES: readonly PayloadRule[] = [
  patternRule('lfi-path-traversal', 'lfi', 1, 'base', /(?:^|[\\/=\s'"])\.{2,}[\\/;]|[\\/]\.{2,}(?:[\\/;]|$)/),
  patternRule('lfi-sensitive-file', 'lfi', 1, 'base', new RegExp(SENSITIVE_FILES), TEXT_TARGETS, true),
];
