import assert from 'node:assert/strict';
import { checkWebhook, signWebhook } from '../../../services/integrations/domain/signature.ts';
import { normalizeUpdate, rawTrackingCode } from '../../../services/integrations/domain/normalize.ts';
import { parseCarrierSecrets } from '../../../services/integrations/config.ts';

const secret = 's'.repeat(32);
const body = Buffer.from('{"trackingCode":"VT1BR"}');

describe('integrations: webhook signature and normalization', () => {
  const now = 1_800_000_000_000;
  const ts = String(now / 1000);
  const check = (over: Partial<Parameters<typeof checkWebhook>[0]>) =>
    checkWebhook({ secrets: [Buffer.from(secret)], signature: signWebhook(secret, ts, body), timestamp: ts, rawBody: body, toleranceS: 300, nowMs: now, ...over });

  it('accepts a good signature within the window, with any of a carrier’s secrets', () => {
    assert.equal(check({}), undefined);
    assert.equal(check({ secrets: [Buffer.from('x'.repeat(32)), Buffer.from(secret)] }), undefined);
  });

  it('rejects bad signatures, tampered bodies, stale or future timestamps, missing headers', () => {
    assert.equal(check({ signature: signWebhook('y'.repeat(32), ts, body) }), 'bad_signature');
    assert.equal(check({ rawBody: Buffer.from('{"trackingCode":"VT2BR"}') }), 'bad_signature');
    assert.equal(check({ signature: 'sha256=zz' }), 'bad_signature');
    const old = String(now / 1000 - 301);
    assert.equal(check({ timestamp: old, signature: signWebhook(secret, old, body) }), 'stale_timestamp');
    const ahead = String(now / 1000 + 301);
    assert.equal(check({ timestamp: ahead, signature: signWebhook(secret, ahead, body) }), 'stale_timestamp');
    // A signature made for another timestamp does not carry over to a fresh one.
    assert.equal(check({ timestamp: String(now / 1000 - 1) }), 'bad_signature');
    assert.equal(check({ signature: undefined }), 'missing_headers');
    assert.equal(check({ timestamp: 'yesterday' }), 'missing_headers');
  });

  it('normalizes carrier codes and normalized names; dead-letter reasons for the rest', () => {
    const at = '2026-11-25T10:00:00-03:00';
    const ok = normalizeUpdate('vitrine-express', { trackingCode: 'vt1br', status: 'OEC', occurredAt: at, location: 'SP' }, Date.parse(at));
    assert.deepEqual(ok, { ok: true, update: { trackingCode: 'VT1BR', status: 'out_for_delivery', occurredAt: '2026-11-25T13:00:00.000Z', location: 'SP' } });
    assert.equal(normalizeUpdate('other', { trackingCode: 'AB12', status: 'delivered', occurredAt: at }, Date.parse(at)).ok, true);
    const unknown = normalizeUpdate('vitrine-express', { trackingCode: 'VT1BR', status: 'ZZ', occurredAt: at }, Date.parse(at));
    assert.deepEqual(unknown, { ok: false, reason: 'status: unknown status code "ZZ" for carrier vitrine-express' });
    const missing = normalizeUpdate('vitrine-express', { status: 'PO' });
    assert.equal(missing.ok, false);
    assert.match(!missing.ok ? missing.reason : '', /trackingCode/);
    const future = normalizeUpdate('vitrine-express', { trackingCode: 'VT1BR', status: 'PO', occurredAt: '2099-01-01T00:00:00Z' });
    assert.deepEqual(future, { ok: false, reason: 'occurredAt: in the future' });
    assert.equal(rawTrackingCode({ trackingCode: ' vt9br ' }), 'VT9BR');
    assert.equal(rawTrackingCode({ trackingCode: 'a b' }), 'unknown');
  });

  it('parses carrier secrets and refuses short ones without echoing them', () => {
    const s = parseCarrierSecrets(`acme:${'a'.repeat(24)}|${'b'.repeat(24)},zip:${'c'.repeat(30)}`);
    assert.equal(s.get('acme')?.length, 2);
    assert.throws(() => parseCarrierSecrets('acme:tooshort'), (e: Error) => /at least 24/.test(e.message) && !e.message.includes('tooshort'));
    assert.equal(parseCarrierSecrets(undefined).size, 0);
  });
});
