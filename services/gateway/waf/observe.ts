/**
 * Reporting of WAF verdicts: a prom-client counter per rule and a JSON log line per request with
 * matches. The log carries rule ids, families, field locations and the correlation id; the matched
 * value is never logged because it may hold personal data or a working exploit.
 */
import { Counter, type Registry } from 'prom-client';
import type { WafObserver } from './engine.ts';

/** The minimal logger the WAF needs (pino's signature). */
export interface WafLogger {
  warn(obj: object, msg: string): void;
}

/** Creates an observer that counts `waf_rule_matches_total{rule,family,action}` and logs. */
export function wafObserver(registry: Registry, logger?: WafLogger): WafObserver {
  const counter = new Counter({
    name: 'waf_rule_matches_total',
    help: 'Requests matched by a WAF rule, by rule, family and action taken',
    labelNames: ['rule', 'family', 'action'] as const,
    registers: [registry],
  });
  return {
    onMatches(matches, action, correlationId) {
      for (const m of matches) counter.inc({ rule: m.ruleId, family: m.family, action });
      logger?.warn(
        { correlationId, action, rules: matches.map((m) => ({ rule: m.ruleId, family: m.family, location: m.location })) },
        'waf matched',
      );
    },
  };
}
