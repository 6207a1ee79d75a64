/**
 * Remote file inclusion and server-side request forgery probes: non-web URL schemes, URLs whose
 * host is an IP literal, URLs pointing away from the shop's own hosts (paranoia 2) and URLs embedded
 * in the path.
 */
import type { PayloadRule, RuleContext } from '../types.ts';
import { ARG_TARGETS, patternRule } from './rule.ts';

const URL_IN_TEXT = /(?:https?|ftps?):\/\/+([^/?#\s\\]+)/g;

// Host and explicit port of a URL authority; `user@` parts are dropped the way a URL parser does.
function hostOf(authority: string): string {
  const afterUser = authority.slice(authority.lastIndexOf('@') + 1);
  return afterUser.replace(/:$/, '').replace(/\.$/, '');
}

// Own hosts match any subdomain; a URL with an explicit port only matches an own entry with that port.
function isOwnHost(host: string, ctx: RuleContext): boolean {
  return ctx.ownHosts.some((own) => host === own || host.endsWith(`.${own}`));
}

/** RFI rules. */
export const RFI_RULES: readonly PayloadRule[] = [
  patternRule('rfi-non-web-scheme', 'rfi', 1, 'base',
    /^\s*(?:url:)?(?:file|ftps?|gopher|ldaps?|dict|jar|phar|expect|ssh2|tftp|netdoc|local_file|php|zip|glob|ogg|rar)\s*:|(?:file|gopher|ldaps?|dict|jar|phar|local_file|expect|tftp|netdoc|xri|rsync|sftp|smb|nfs|svn|redis|mongodb|mysql|postgres(?:ql)?|jdbc:\w+):\/\//,
    ARG_TARGETS),
  patternRule('rfi-ip-host', 'rfi', 1, 'base',
    /(?:https?|ftps?):\/\/+(?:[^/@\s]*@)?\[?(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{0,4}:[0-9a-f]{0,4}:[0-9a-f:]*)/, ARG_TARGETS),
  patternRule('rfi-trailing-question-mark', 'rfi', 1, 'base', /^\s*(?:file|ftps?|https?)(?::\S*)?\?+\s*$/, ARG_TARGETS),
  patternRule('rfi-url-in-path', 'rfi', 1, 'base', /\/(?:https?|ftps?|file):\/\/?/, ['path']),
  {
    id: 'rfi-off-domain-url', family: 'rfi', paranoia: 2, targets: ARG_TARGETS,
    test: (views, _target, ctx) => {
      const text = views.base;
      if (!text.includes('://')) return false;
      // Credentials before the host (`a.com%2f@evil.com`) are a classic way to disguise the target.
      if (/:\/\/[^\s?#]*@/.test(text)) return true;
      for (const m of text.matchAll(URL_IN_TEXT)) {
        if (!isOwnHost(hostOf(m[1] ?? ''), ctx)) return true;
      }
      return false;
    },
  },
];
