/** The WAF engine's behaviour: modes, normalization, country policy, reporting without payloads. */
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createWaf, parseWafPolicy, wafObserver, type WafRequest } from '../../../services/gateway/waf/index.ts';
import { fullDecode, percentDecode, shellView } from '../../../services/gateway/waf/decode.ts';

const get = (url: string, headers: Record<string, string> = {}): WafRequest => ({
  method: 'GET', url, headers: { Host: 'empresa.com.br', 'User-Agent': 'test', ...headers },
});

describe('WAF engine', () => {
  it('decodes repeated URL encoding, entities and full-width forms', () => {
    assert.equal(fullDecode('%252e%252e%252f'), '../');
    assert.equal(fullDecode('&lt;script&gt;'), '<script>');
    assert.equal(fullDecode('ｓｅｌｅｃｔ'), 'select');
    assert.equal(percentDecode('100%'), '100%'); // malformed escapes stay as they are
    assert.equal(shellView("c'a't /e\\tc/pa$@sswd"), 'cat /etc/passwd');
  });

  it('blocks in Block mode and only reports in Detect mode', () => {
    const attack = get('/api/catalog/products?q=1%27%20UNION%20SELECT%20password%20FROM%20users--');
    const block = createWaf(parseWafPolicy({ mode: 'block' })).inspect(attack);
    const detect = createWaf(parseWafPolicy({ mode: 'detect' })).inspect(attack);
    assert.equal(block.action, 'block');
    assert.equal(detect.action, 'detect');
    assert.ok(block.matches.some((m) => m.ruleId === 'sqli-union-select' && m.family === 'sqli' && m.location === 'query:q'));
  });

  it('catches obfuscated payloads after normalization', () => {
    const waf = createWaf(parseWafPolicy({}));
    for (const url of [
      '/x?q=%EF%BC%9Cscript%EF%BC%9Ealert(1)%EF%BC%9C/script%EF%BC%9E', // full-width <script>
      '/x?q=UN/**/ION%20SE/**/LECT%201,2', // comments inside keywords
      '/x?f=..%255c..%255cwindows%255cwin.ini', // double-encoded backslashes
      '/x?c=%3Bc%27a%27t%24%7BIFS%7D/etc/passwd', // quoted command, $IFS
    ]) {
      assert.equal(waf.inspect(get(url)).action, 'block', url);
    }
  });

  it('passes ordinary shop requests', () => {
    const waf = createWaf(parseWafPolicy({ paranoia: 2, ownHosts: ['empresa.com.br'] }));
    const body = JSON.stringify({ name: "Maria D'Ávila", street: 'Rua Sete de Setembro, 100 (fundos)', note: "copo d'água & pão" });
    const verdict = waf.inspect({
      method: 'POST', url: '/api/orders', body,
      headers: { Host: 'empresa.com.br', 'User-Agent': 'test', 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
    });
    assert.deepEqual(verdict.matches, []);
    assert.equal(waf.inspect(get('/api/catalog/products?q=camiseta%20100%25%20algod%C3%A3o')).action, 'allow');
  });

  it('passes the seed\'s bare tracking link and still inspects a bare query as a value', () => {
    const waf = createWaf(parseWafPolicy({ paranoia: 2 }));
    // A 111-character signed token, longer than any field name may be: `/rastreio?<hash>`.
    const token = 'ZGV2LmQ0MDdkNTkxLTQ3YTQtNWE0NS1hNmFhLWNhNDFmMTEwNDJjNC4xODA1OTczMTEw.lvJTWFtuXZiiGBjUPsSfDDIM4sUNGVtUCc4pHmg7H7A';
    assert.deepEqual(waf.inspect(get(`/rastreio?${token}`)).matches, []);
    const attack = waf.inspect(get('/rastreio?%3Cscript%3Ealert(1)%3C/script%3E'));
    assert.equal(attack.action, 'block');
    assert.ok(attack.matches.some((m) => m.family === 'xss' && m.location === 'query:(bare)'));
  });

  it('enforces protocol limits and the method allow-list', () => {
    const waf = createWaf(parseWafPolicy({ maxBodyBytes: 10 }));
    assert.equal(waf.inspect({ ...get('/'), method: 'TRACE' }).matches[0]?.ruleId, 'protocol-method-not-allowed');
    const big = waf.inspect({ method: 'POST', url: '/', body: '{"a":"0123456789"}', headers: { Host: 'x', 'Content-Type': 'application/json' } });
    assert.ok(big.matches.some((m) => m.ruleId === 'protocol-body-too-large'));
    const noHost = waf.inspect({ method: 'GET', url: '/', headers: {} });
    assert.ok(noHost.matches.some((m) => m.ruleId === 'protocol-host'));
    const badLength = waf.inspect({ method: 'POST', url: '/', body: 'a=1', headers: { Host: 'x', 'Content-Length': '12x' } });
    assert.ok(badLength.matches.some((m) => m.ruleId === 'protocol-content-length'));
  });

  it('applies country allow and deny lists from the load balancer header', () => {
    const allow = createWaf(parseWafPolicy({ countryAllow: ['BR', 'PT'] }));
    assert.equal(allow.inspect(get('/', { 'X-Client-Country': 'BR' })).action, 'allow');
    assert.equal(allow.inspect(get('/', { 'X-Client-Country': 'RU' })).matches[0]?.ruleId, 'geo-country');
    const deny = createWaf(parseWafPolicy({ countryDeny: ['KP'], countryHeader: 'x-geo' }));
    assert.equal(deny.inspect(get('/', { 'X-Geo': 'kp' })).action, 'block');
    assert.equal(deny.inspect(get('/', { 'X-Geo': 'BR' })).action, 'allow');
  });

  it('counts matches per rule and logs rule and correlation id but never the payload', async () => {
    const registry = new Registry();
    const lines: object[] = [];
    const waf = createWaf(parseWafPolicy({}), wafObserver(registry, { warn: (obj) => lines.push(obj) }));
    waf.inspect(get('/x?q=%3Cscript%3Ealert(%22secret-payload%22)%3C/script%3E'), 'corr-123');
    const logged = JSON.stringify(lines);
    assert.match(logged, /corr-123/);
    assert.match(logged, /xss-script-tag/);
    assert.doesNotMatch(logged, /secret-payload|alert/);
    const metrics = await registry.metrics();
    assert.match(metrics, /waf_rule_matches_total\{rule="xss-script-tag",family="xss",action="block"\} 1/);
  });

  it('rejects a bad policy with the field name', () => {
    assert.throws(() => parseWafPolicy({ paranoia: 7 }), /paranoia/);
  });
});
