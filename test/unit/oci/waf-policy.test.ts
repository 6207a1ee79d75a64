/** The WAF spec → WebAppFirewallPolicy builder. */
import assert from 'node:assert/strict';
import type { models } from 'oci-waf';
import {
  buildWafPolicy, OCI_BODY_INSPECTION_LIMIT_BYTES, PROTECTION_CAPABILITY_KEYS, validateWafSpec, WAF_ACTIONS, wafPolicyHash,
} from '../../../operator/oci/waf-policy.ts';

describe('buildWafPolicy', function () {
  it('blocks countries outside the allow list with a JMESPath condition on the source country', function () {
    const policy = buildWafPolicy({ mode: 'Block', countries: { allow: ['US', 'BR'] } });
    const rule = policy.requestAccessControl.rules?.find((r) => r.name === 'countries-allowed');
    assert.equal(rule?.condition, "!contains(['BR', 'US'], connection.source.geo.countryCode)");
    assert.equal(rule?.conditionLanguage, 'JMESPATH');
    assert.equal(rule?.actionName, WAF_ACTIONS.forbidden);
    assert.equal(policy.requestAccessControl.defaultActionName, WAF_ACTIONS.allow);
  });

  it('denies listed countries', function () {
    const policy = buildWafPolicy({ countries: { deny: ['KP'] } });
    assert.equal(policy.requestAccessControl.rules?.[0]?.condition, "contains(['KP'], connection.source.geo.countryCode)");
  });

  it('turns a rate limit into a 60-second request rate limiting rule answering 429', function () {
    const policy = buildWafPolicy({ rateLimit: { requestsPerMinute: 600 } });
    const rule = policy.requestRateLimiting.rules?.[0];
    assert.deepEqual(rule?.configurations, [{ periodInSeconds: 60, requestsLimit: 600, actionDurationInSeconds: 60 }]);
    assert.equal(rule?.actionName, WAF_ACTIONS.tooMany);
    const action = policy.actions.find((a) => a.name === WAF_ACTIONS.tooMany) as models.ReturnHttpResponseAction;
    assert.equal(action.code, 429);
  });

  it('maps the chosen protections to their capability keys only', function () {
    const policy = buildWafPolicy({ protections: ['xss', 'sqli'] });
    const keys = policy.requestProtection.rules?.[0]?.protectionCapabilities.map((c) => c.key);
    assert.deepEqual(keys, [...PROTECTION_CAPABILITY_KEYS.sqli, ...PROTECTION_CAPABILITY_KEYS.xss]);
  });

  it('protects against everything when protections are not listed, and nothing for an empty list', function () {
    const all = buildWafPolicy({}).requestProtection.rules?.[0]?.protectionCapabilities.length;
    assert.equal(all, Object.values(PROTECTION_CAPABILITY_KEYS).flat().length);
    assert.deepEqual(buildWafPolicy({ protections: [] }).requestProtection.rules, []);
  });

  it('caps body inspection at the OCI limit and blocks larger bodies only when they fit the window', function () {
    const small = buildWafPolicy({ maxBodyBytes: 4096 }).requestProtection;
    assert.equal(small.bodyInspectionSizeLimitInBytes, 4096);
    assert.equal(small.bodyInspectionSizeLimitExceededActionName, WAF_ACTIONS.tooLarge);
    const large = buildWafPolicy({ maxBodyBytes: 1048576 }).requestProtection;
    assert.equal(large.bodyInspectionSizeLimitInBytes, OCI_BODY_INSPECTION_LIMIT_BYTES);
    assert.equal(large.bodyInspectionSizeLimitExceededActionName, undefined);
  });

  it('in Detect mode every rule only logs', function () {
    const policy = buildWafPolicy({ mode: 'Detect', rateLimit: { requestsPerMinute: 5 }, countries: { deny: ['KP'] }, allowedMethods: ['GET'] });
    const actionNames = [
      ...(policy.requestAccessControl.rules ?? []).map((r) => r.actionName),
      ...(policy.requestRateLimiting.rules ?? []).map((r) => r.actionName),
      ...(policy.requestProtection.rules ?? []).map((r) => r.actionName),
    ];
    assert.ok(actionNames.length >= 4);
    assert.ok(actionNames.every((n) => n === WAF_ACTIONS.log), actionNames.join(','));
  });

  it('restricts methods', function () {
    const rule = buildWafPolicy({ allowedMethods: ['POST', 'GET'] }).requestAccessControl.rules?.[0];
    assert.equal(rule?.condition, "!contains(['GET', 'POST'], http.request.method)");
    assert.equal(rule?.actionName, WAF_ACTIONS.methodNotAllowed);
  });

  it('hashes equal specs equally and different specs differently, whatever the list order', function () {
    const a = wafPolicyHash(buildWafPolicy({ countries: { allow: ['BR', 'US'] }, rateLimit: { requestsPerMinute: 10 } }));
    const b = wafPolicyHash(buildWafPolicy({ rateLimit: { requestsPerMinute: 10 }, countries: { allow: ['US', 'BR'] } }));
    const c = wafPolicyHash(buildWafPolicy({ countries: { allow: ['BR', 'US'] }, rateLimit: { requestsPerMinute: 11 } }));
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.match(a, /^[0-9a-f]{16}$/);
  });
});

describe('validateWafSpec', function () {
  it('accepts a good spec', function () {
    assert.deepEqual(validateWafSpec({ countries: { allow: ['BR'] }, rateLimit: { requestsPerMinute: 1 } }), []);
  });
  it('names a bad country code', function () {
    assert.deepEqual(validateWafSpec({ countries: { deny: ['Brazil'] } }), ['waf.countries.deny: "Brazil" is not an ISO 3166-1 alpha-2 country code']);
  });
  it('rejects allow and deny together and a zero rate', function () {
    const errors = validateWafSpec({ countries: { allow: ['BR'], deny: ['US'] }, rateLimit: { requestsPerMinute: 0 } });
    assert.equal(errors.length, 2);
  });
});
