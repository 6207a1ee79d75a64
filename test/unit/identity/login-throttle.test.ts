/**
 * The failed-login back-off: the schedule, and the counter on the in-process cache.
 */
import assert from 'node:assert/strict';
import { createMemoryCache } from '../../../services/kit/index.ts';
import { LoginThrottle, lockoutMs } from '../../../services/identity/domain/login-throttle.ts';
import { normalizeEmail } from '../../../services/identity/domain/accounts.ts';
import { createPasswordHasher } from '../../../services/identity/domain/passwords.ts';

const settings = { maxFailures: 3, windowMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 8_000 };

describe('identity login back-off', () => {
  it('is free for the allowance, then doubles up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 50].map((n) => lockoutMs(n, settings)),
      [0, 0, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000],
    );
  });

  it('counts per e-mail and address, locks, and forgets after a success', async () => {
    const cache = createMemoryCache();
    const throttle = new LoginThrottle(cache, settings);
    for (let i = 0; i < 2; i++) assert.equal(await throttle.fail('a@x.org', '10.0.0.1'), 0);
    assert.equal(await throttle.waitMs('a@x.org', '10.0.0.1'), 0);
    assert.equal(await throttle.fail('a@x.org', '10.0.0.1'), 1_000);
    const wait = await throttle.waitMs('a@x.org', '10.0.0.1');
    assert.ok(wait > 900 && wait <= 1_000, `wait ${wait}`);
    assert.equal(await throttle.waitMs('a@x.org', '10.0.0.2'), 0, 'another address is not locked');
    assert.equal(await throttle.waitMs('b@x.org', '10.0.0.1'), 0, 'another account is not locked');
    await throttle.succeed('a@x.org', '10.0.0.1');
    assert.equal(await throttle.waitMs('a@x.org', '10.0.0.1'), 0);
    assert.equal(await throttle.fail('a@x.org', '10.0.0.1'), 0, 'the count starts over');
    await cache.close();
  });

  it('keeps no e-mail in cache keys', async () => {
    const keys: string[] = [];
    const cache = createMemoryCache();
    const spy = { ...cache, incr: (k: string) => (keys.push(k), cache.incr(k)), set: (k: string, v: string, o?: object) => (keys.push(k), cache.set(k, v, o)) };
    const throttle = new LoginThrottle(spy, settings);
    for (let i = 0; i < 3; i++) await throttle.fail('secret.person@x.org', '10.0.0.1');
    assert.ok(keys.length > 0 && keys.every((k) => !k.includes('secret') && !k.includes('@')));
    await cache.close();
  });

  it('normalizes e-mails (trim, lower case)', () => {
    assert.equal(normalizeEmail('  Ana.Silva@Exemplo.COM.br '), 'ana.silva@exemplo.com.br');
  });

  it('hashes with argon2id and verifies; a malformed stored hash is just a mismatch', async () => {
    const hasher = await createPasswordHasher({ memoryKib: 1024, timeCost: 1 });
    const stored = await hasher.hash('senha forte 123');
    assert.match(stored, /^\$argon2id\$v=19\$m=1024,t=1,/);
    assert.equal(await hasher.verify(stored, 'senha forte 123'), true);
    assert.equal(await hasher.verify(stored, 'senha errada'), false);
    assert.equal(await hasher.verify('not-a-hash', 'x'), false);
    await hasher.burn('whatever');
  });

  it('uses the library defaults (19 MiB, 2 passes) when no cost is configured', async () => {
    const hasher = await createPasswordHasher();
    assert.match(await hasher.hash('x'), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});
