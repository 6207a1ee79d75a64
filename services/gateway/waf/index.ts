/** Public surface of the gateway's WAF. */
export { createWaf, ALL_PAYLOAD_RULES, type Waf, type WafObserver } from './engine.ts';
export { parseWafPolicy, wafPolicySchema, type WafPolicy, type WafPolicyInput } from './policy.ts';
export { wafObserver, type WafLogger } from './observe.ts';
export type { WafRequest, WafVerdict, RuleMatch, WafFamily } from './types.ts';
