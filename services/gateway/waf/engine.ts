/**
 * The WAF engine: normalizes a request's targets, runs the signature rules and the whole-request
 * checks allowed by the policy's paranoia level, and turns matches into a verdict. Every verdict
 * with matches is logged (rule ids, families, locations and the correlation id — never the payload)
 * and counted per rule.
 */
import { makeViews } from './decode.ts';
import type { WafPolicy } from './policy.ts';
import { activeProtocolChecks, protocolMatches } from './protocol.ts';
import { CODE_RULES } from './rules/code.ts';
import { LFI_RULES } from './rules/lfi.ts';
import { RCE_RULES } from './rules/rce.ts';
import { RFI_RULES } from './rules/rfi.ts';
import { SQLI_RULES } from './rules/sqli.ts';
import { XSS_RULES } from './rules/xss.ts';
import { PLAIN_TOKEN, patternRule } from './rules/rule.ts';
import { headerValue, requestTargets } from './targets.ts';
import type { PayloadRule, RuleContext, RuleMatch, Target, TargetKind, WafRequest, WafVerdict } from './types.ts';

/** Extra payload rules for protocol abuse carried inside fields. */
const PROTOCOL_PAYLOAD_RULES: readonly PayloadRule[] = [
  patternRule('protocol-ldap-injection', 'protocol', 1, 'base',
    /\)\s*\(\s*(?:[&|!]\s*(?:\(|\)|$)|[\w-]+\s*[~<>]?=)|\(\s*[&|]\s*\(\s*[\w-]+\s*=|^\s*\*\s*\)\s*\(/, ['arg']),
  patternRule('protocol-crlf-in-name', 'protocol', 1, 'decoded', /[\r\n]/, ['arg-name']),
];

/** Every signature rule, in evaluation order. */
export const ALL_PAYLOAD_RULES: readonly PayloadRule[] = [
  ...SQLI_RULES, ...XSS_RULES, ...RCE_RULES, ...CODE_RULES, ...LFI_RULES, ...RFI_RULES, ...PROTOCOL_PAYLOAD_RULES,
];

/** Where the engine reports verdicts; pino loggers and prom-client counters fit. */
export interface WafObserver {
  /** Called once per request with matches. */
  onMatches?(matches: readonly RuleMatch[], action: WafVerdict['action'], correlationId: string | undefined): void;
}

/** The WAF: a pure function of a request plus reporting. */
export interface Waf {
  readonly policy: WafPolicy;
  inspect(req: WafRequest, correlationId?: string): WafVerdict;
}

const ALLOW: WafVerdict = Object.freeze({ action: 'allow', matches: Object.freeze([]) });

function argLimitMatches(targets: readonly Target[], policy: WafPolicy): RuleMatch[] {
  let args = 0;
  for (const t of targets) {
    if (t.kind === 'arg-name') {
      args++;
      if (t.value.length > policy.maxArgNameLength) {
        return [{ ruleId: 'protocol-arg-name-too-long', family: 'protocol', location: t.location }];
      }
    } else if (t.kind === 'arg' && t.value.length > policy.maxArgValueLength && !t.location.startsWith('body:raw')) {
      return [{ ruleId: 'protocol-arg-too-long', family: 'protocol', location: t.location }];
    }
  }
  return args > policy.maxArgs ? [{ ruleId: 'protocol-too-many-args', family: 'protocol', location: 'args' }] : [];
}

/** Header values cached (User-Agent, Referer… repeat across requests); the cache is cleared when full. */
const HEADER_CACHE_ENTRIES = 10_000;
const HEADER_CACHE_MAX_VALUE_LENGTH = 1_024;

const NO_MATCH: readonly PayloadRule[] = Object.freeze([]);
const TARGET_KINDS: readonly TargetKind[] = ['path', 'arg-name', 'arg', 'header', 'filename'];

/** The rules that look at one kind of target, and those of them that can match a plain token. */
interface KindRules {
  readonly all: readonly PayloadRule[];
  readonly plain: readonly PayloadRule[];
}

/** Builds a WAF for a policy. */
export function createWaf(policy: WafPolicy, observer: WafObserver = {}): Waf {
  const rules = ALL_PAYLOAD_RULES.filter((r) => r.paranoia <= policy.paranoia && !policy.disabledRules.includes(r.id));
  // Per target kind, decided once per policy rather than per target and request.
  const byKind = new Map<TargetKind, KindRules>();
  for (const kind of TARGET_KINDS) {
    const all = rules.filter((r) => r.targets.includes(kind));
    byKind.set(kind, { all, plain: all.filter((r) => r.matchesPlainTokens === true) });
  }
  const checks = activeProtocolChecks(policy);
  const ownHosts = policy.ownHosts.map((h) => h.toLowerCase());
  const ownCtx: RuleContext = { ownHosts };
  // Rule ids matching a header value. Header rules do not depend on the request's context (the
  // off-domain rule only looks at fields), so the answer for a value is always the same.
  const headerCache = new Map<string, readonly PayloadRule[]>();

  const matchingRules = (target: Target, ctx: RuleContext, skip: ReadonlySet<string> | undefined): readonly PayloadRule[] => {
    const kindRules = byKind.get(target.kind)!;
    const candidates = PLAIN_TOKEN.test(target.value) ? kindRules.plain : kindRules.all;
    if (candidates.length === 0) return NO_MATCH;
    const views = makeViews(target.value);
    let out: PayloadRule[] | undefined;
    for (const rule of candidates) {
      if (skip?.has(rule.id) === true) continue;
      if (rule.test(views, target, ctx)) (out ??= []).push(rule);
    }
    return out ?? NO_MATCH;
  };

  return {
    policy,
    inspect(req, correlationId) {
      const body = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : req.body.toString('utf8');
      const matches = protocolMatches(req, policy, body, checks);
      const targets = requestTargets(req);
      matches.push(...argLimitMatches(targets, policy));
      const host = (headerValue(req, 'host') ?? '').toLowerCase();
      // The request's own Host counts as ours (only the off-domain URL rule asks).
      const ctx: RuleContext = host === '' || ownHosts.includes(host) ? ownCtx : { ownHosts: [...ownHosts, host] };
      let matched: Set<string> | undefined;
      for (const target of targets) {
        if (target.value === '') continue;
        let found: readonly PayloadRule[];
        if (target.kind === 'header' && target.value.length <= HEADER_CACHE_MAX_VALUE_LENGTH) {
          const cached = headerCache.get(target.value);
          if (cached === undefined) {
            found = matchingRules(target, ctx, undefined);
            if (headerCache.size >= HEADER_CACHE_ENTRIES) headerCache.clear();
            headerCache.set(target.value, found);
          } else {
            found = cached;
          }
        } else {
          found = matchingRules(target, ctx, matched);
        }
        for (const rule of found) {
          matched ??= new Set();
          if (matched.has(rule.id)) continue;
          matched.add(rule.id);
          matches.push({ ruleId: rule.id, family: rule.family, location: target.location });
        }
      }
      if (matches.length === 0) return ALLOW;
      const action = policy.mode === 'block' ? 'block' : 'detect';
      observer.onMatches?.(matches, action, correlationId);
      return { action, matches };
    },
  };
}
