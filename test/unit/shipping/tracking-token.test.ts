import assert from 'node:assert/strict';
import { parseKeyRing } from '../../../services/shipping/domain/key-ring.ts';
import { signTrackingToken, verifyTrackingToken } from '../../../services/shipping/domain/tracking-token.ts';

const k = (fill: number) => Buffer.alloc(32, fill).toString('base64url');
const future = new Date(Date.now() + 86_400_000);

describe('shipping: tracking tokens', () => {
  const ring = parseKeyRing(`k2:${k(2)},k1:${k(1)}`);

  it('verifies a token it signed and returns the shipment id, kid and expiry', () => {
    const token = signTrackingToken(ring, 'shp-1', future);
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(verifyTrackingToken(ring, token), { kid: 'k2', shipmentId: 'shp-1', exp: Math.floor(future.getTime() / 1000) });
  });

  it('rejects expired, forged, tampered and malformed tokens alike (null)', () => {
    const good = signTrackingToken(ring, 'shp-1', future);
    const expired = signTrackingToken(ring, 'shp-1', new Date(Date.now() - 1000));
    const forged = signTrackingToken(parseKeyRing(`k2:${k(9)}`), 'shp-1', future);
    const [payload, mac] = good.split('.') as [string, string];
    const otherPayload = Buffer.from(`k2.shp-2.${Math.floor(future.getTime() / 1000)}`).toString('base64url');
    const flipped = `${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'AB' : 'AA'}`;
    const bad = [expired, forged, `${otherPayload}.${mac}`, flipped, `${payload}.`, `.${mac}`, payload, `${good}.x`, 'x'.repeat(600), '', `${payload}.${mac}=`];
    for (const t of bad) assert.equal(verifyTrackingToken(ring, t), null, `accepted ${t.slice(0, 40)}`);
  });

  it('keeps verifying links of a rotated-out active key while it stays in the ring, and stops once removed', () => {
    const old = parseKeyRing(`k1:${k(1)}`);
    const token = signTrackingToken(old, 'shp-9', future);
    assert.ok(verifyTrackingToken(parseKeyRing(`k2:${k(2)},k1:${k(1)}`), token));
    assert.equal(signTrackingToken(ring, 'x', future).startsWith(Buffer.from('k2.').toString('base64url').slice(0, 3)), true);
    assert.equal(verifyTrackingToken(parseKeyRing(`k2:${k(2)}`), token), null);
  });

  it('refuses short secrets, bad kids and an active kid outside the ring', () => {
    assert.throws(() => parseKeyRing('k1:short'), /at least 32 bytes/);
    assert.throws(() => parseKeyRing(`bad kid!:${k(1)}`), /kid/);
    assert.throws(() => parseKeyRing(`k1:${k(1)}`, 'k7'), /not in the ring/);
    assert.throws(() => parseKeyRing(''), /empty/);
    assert.equal(parseKeyRing(`k1:${k(1)},k2:${k(2)}`, 'k2').active.kid, 'k2');
  });
});
