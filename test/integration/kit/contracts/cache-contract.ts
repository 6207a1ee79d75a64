/**
 * The cache port's contract: what Redis and the in-process cache must do the same way.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { getJson, setJson, type Cache } from '../../../../services/kit/index.ts';

/** Opens a cache whose keys are isolated by `prefix`. */
export type CacheFactory = (prefix: string) => Promise<Cache>;

/** Registers the cache contract for one implementation. */
export function cacheContract(label: string, open: CacheFactory): void {
  describe(`cache contract: ${label}`, function () {
    this.timeout(10_000);
    let cache: Cache;
    let n = 0;
    const key = (k: string) => `${k}:${n}`;

    beforeEach(async () => {
      n += 1;
      cache = await open(`ct:${process.pid}:${Date.now().toString(36)}:${n}:`);
    });
    afterEach(async () => {
      await cache.del(key('a'), key('b'), key('c'), key('h'), key('j'));
      await cache.close();
    });

    it('gets, sets and deletes strings', async () => {
      assert.equal(await cache.get(key('a')), null);
      assert.equal(await cache.set(key('a'), 'one'), true);
      assert.equal(await cache.get(key('a')), 'one');
      assert.equal(await cache.del(key('a'), key('b')), 1);
      assert.equal(await cache.get(key('a')), null);
    });

    it('set onlyIfAbsent does not overwrite', async () => {
      assert.equal(await cache.set(key('a'), '1', { onlyIfAbsent: true }), true);
      assert.equal(await cache.set(key('a'), '2', { onlyIfAbsent: true, ttlMs: 1000 }), false);
      assert.equal(await cache.get(key('a')), '1');
    });

    it('expires values after their TTL', async () => {
      await cache.set(key('a'), 'x', { ttlMs: 150 });
      const ttl = await cache.ttl(key('a'));
      assert.ok(ttl > 0 && ttl <= 150, `ttl ${ttl}`);
      await sleep(250);
      assert.equal(await cache.get(key('a')), null);
      assert.equal(await cache.ttl(key('a')), -2);
    });

    it('incr creates at zero, counts, and keeps a TTL set by expire (rate-limit window)', async () => {
      assert.equal(await cache.incr(key('c')), 1);
      assert.equal(await cache.incr(key('c')), 2);
      assert.equal(await cache.incrBy(key('c'), 5), 7);
      assert.equal(await cache.ttl(key('c')), -1);
      assert.equal(await cache.expire(key('c'), 200), true);
      assert.equal(await cache.incr(key('c')), 8);
      assert.ok((await cache.ttl(key('c'))) > 0);
      await sleep(300);
      assert.equal(await cache.incr(key('c')), 1);
      assert.equal(await cache.expire(key('missing'), 100), false);
    });

    it('rejects incr on a non-integer value', async () => {
      await cache.set(key('a'), 'abc');
      await assert.rejects(cache.incr(key('a')));
    });

    it('hash operations hold a cart', async () => {
      assert.deepEqual(await cache.hgetall(key('h')), {});
      await cache.hset(key('h'), { 'sku-1': '2', 'sku-2': '1' });
      assert.equal(await cache.hget(key('h'), 'sku-1'), '2');
      assert.equal(await cache.hincrBy(key('h'), 'sku-2', 3), 4);
      assert.deepEqual(await cache.hgetall(key('h')), { 'sku-1': '2', 'sku-2': '4' });
      assert.equal(await cache.hdel(key('h'), 'sku-1', 'nope'), 1);
      assert.equal(await cache.hdel(key('h'), 'sku-2'), 1);
      assert.deepEqual(await cache.hgetall(key('h')), {});
      assert.equal(await cache.ttl(key('h')), -2);
      assert.equal(await cache.hget(key('h'), 'sku-1'), null);
    });

    it('refuses string operations on a hash', async () => {
      await cache.hset(key('h'), { f: 'v' });
      await assert.rejects(cache.get(key('h')), /WRONGTYPE/);
    });

    it('stores JSON', async () => {
      await setJson(cache, key('j'), { items: [1, 2] }, { ttlMs: 5000 });
      assert.deepEqual(await getJson(cache, key('j')), { items: [1, 2] });
    });

    it('answers ping', async () => {
      await cache.ping();
    });
  });
}
