/**
 * The cache time limit: a hanging or failing cache becomes CacheUnavailableError quickly.
 */
import assert from 'node:assert/strict';
import { createMemoryCache, type Cache } from '../../../services/kit/index.ts';
import { CacheUnavailableError, guardCache } from '../../../services/cart/data/guarded-cache.ts';

describe('cart: guarded cache', () => {
  it('passes answers through', async () => {
    const inner = createMemoryCache();
    const cache = guardCache(inner, 100);
    await cache.hset('h', { a: '1' });
    assert.deepEqual(await cache.hgetall('h'), { a: '1' });
    await inner.close();
  });

  it('fails a hanging operation after the limit, and a failing one at once, with the cause kept', async () => {
    const inner = createMemoryCache();
    const hanging: Cache = { ...inner, get: () => new Promise<string | null>(() => {}), hgetall: () => Promise.reject(new Error('ECONNREFUSED')) };
    const cache = guardCache(hanging, 50);
    const started = Date.now();
    await assert.rejects(cache.get('k'), CacheUnavailableError);
    assert.ok(Date.now() - started < 500);
    await assert.rejects(cache.hgetall('k'), (err: Error) => err instanceof CacheUnavailableError && (err.cause as Error).message === 'ECONNREFUSED');
    await inner.close();
  });
});
