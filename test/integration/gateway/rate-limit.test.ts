/**
 * Rate limits through the whole gateway on the real Redis: one client at ten times its limit is
 * throttled while another is served normally; per-user limits follow the token's subject; and the
 * `whenUnavailable` setting decides what happens when Redis cannot be reached, both ways.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { createLogger } from '../../../services/kit/index.ts';
import type { GatewayConfigInput } from '../../../services/gateway/config/schema.ts';
import { createRedisRateLimiter, type RateLimiter } from '../../../services/gateway/edge/rate-limiter.ts';
import { openLimiterRedis } from '../../../services/gateway/edge/redis-client.ts';
import { createTokenVerifier } from '../../../services/gateway/edge/token-verifier.ts';
import { redisUrl } from '../../support/engines.ts';
import { AUDIENCE, ISSUER, startEchoUpstream, startGateway, startKeyServer, type EchoUpstream, type KeyServer } from './support.ts';

const LIMIT = 20;
const silent = createLogger({ name: 'rl-test', level: 'silent' });

function config(upstream: EchoUpstream, extra: Partial<GatewayConfigInput> = {}): GatewayConfigInput {
  return {
    hosts: ['empresa.com.br'],
    upstreams: { tracking: { url: upstream.url } },
    routes: [{ pathPrefix: '/api/tracking', service: 'tracking' }],
    trustedProxies: ['127.0.0.1'],
    rateLimits: { perAddress: { limit: LIMIT, windowMs: 60_000 }, perUser: { limit: 5, windowMs: 60_000 }, whenUnavailable: 'open' },
    ...extra,
  };
}

describe('gateway rate limits (real Redis)', function () {
  this.timeout(30_000);
  let redis: Redis;
  let upstream: EchoUpstream;
  let keys: KeyServer;
  const prefix = `test:gateway:rl:${randomUUID()}:`;
  const agent = new Agent({ connections: 16 });

  before(async () => {
    redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    upstream = await startEchoUpstream();
    keys = await startKeyServer();
  });
  after(async () => {
    const stale = await redis.keys(`${prefix}*`);
    if (stale.length > 0) await redis.del(...stale);
    redis.disconnect();
    await Promise.all([upstream.close(), keys.close(), agent.close()]);
  });

  const get = async (base: string, headers: Record<string, string>) => {
    const res = await request(`${base}/api/tracking/abc`, { headers: { host: 'empresa.com.br', 'user-agent': 'test', ...headers }, dispatcher: agent });
    await res.body.dump();
    return res;
  };

  for (const syncIntervalMs of [100, 0]) {
  it(`throttles a client at ten times its limit while another client is served normally (sync every ${syncIntervalMs} ms)`, async () => {
    // GIVEN a gateway limiting each address to LIMIT requests per minute, counting in Redis
    const keyPrefix = `${prefix}${syncIntervalMs}:`;
    const gw = await startGateway(config(upstream), { limiter: createRedisRateLimiter(redis, { keyPrefix, syncIntervalMs }) });
    try {
      // WHEN client A sends 10 × LIMIT requests and client B its ordinary few, interleaved
      const a = { ok: 0, limited: 0, retryAfter: new Set<string>() };
      const b = { ok: 0, other: 0 };
      for (let batch = 0; batch < 10; batch++) {
        const burst = Array.from({ length: LIMIT }, () => get(gw.url, { 'x-forwarded-for': '198.51.100.1' }));
        const normal = batch % 2 === 0 ? [get(gw.url, { 'x-forwarded-for': '198.51.100.2' })] : [];
        const [aResults, bResults] = await Promise.all([Promise.all(burst), Promise.all(normal)]);
        for (const r of aResults) {
          if (r.statusCode === 200) a.ok++;
          else if (r.statusCode === 429) {
            a.limited++;
            a.retryAfter.add(String(r.headers['retry-after']));
            assert.match(String(r.headers['ratelimit']), /limit=20, remaining=0/);
            assert.equal(r.headers['content-type'], 'application/problem+json');
          }
        }
        for (const r of bResults) {
          if (r.statusCode === 200) b.ok++;
          else b.other++;
        }
      }
      // THEN A gets its limit's worth and is refused the rest with Retry-After; B is never refused
      assert.ok(a.ok >= LIMIT && a.ok <= LIMIT + 1, `client A served ${a.ok}, expected about ${LIMIT}`);
      assert.equal(a.ok + a.limited, 10 * LIMIT);
      assert.ok([...a.retryAfter].every((v) => Number(v) >= 1), 'Retry-After on every 429');
      assert.deepEqual(b, { ok: 5, other: 0 });
    } finally {
      await gw.close();
    }
  });
  }

  it('limits signed-in users by subject, not by address', async () => {
    const gw = await startGateway(config(upstream), {
      limiter: createRedisRateLimiter(redis, { keyPrefix: prefix, syncIntervalMs: 100 }),
      verifier: createTokenVerifier({ jwksUrl: keys.url, issuer: ISSUER, audience: AUDIENCE }),
    });
    try {
      const greedy = await keys.sign(`user-${randomUUID()}`);
      const calm = await keys.sign(`user-${randomUUID()}`);
      const greedyResults = await Promise.all(Array.from({ length: 15 }, (_, i) =>
        get(gw.url, { authorization: `Bearer ${greedy}`, 'x-forwarded-for': `203.0.113.${i + 1}` })));
      const calmResults = await Promise.all(Array.from({ length: 5 }, () =>
        get(gw.url, { authorization: `Bearer ${calm}`, 'x-forwarded-for': '203.0.113.200' })));
      assert.equal(greedyResults.filter((r) => r.statusCode === 200).length, 5);
      assert.equal(calmResults.filter((r) => r.statusCode === 200).length, 5);
    } finally {
      await gw.close();
    }
  });

  for (const mode of ['open', 'closed'] as const) {
    it(`when Redis is unreachable, whenUnavailable=${mode} ${mode === 'open' ? 'serves' : 'refuses with 503'}`, async () => {
      // GIVEN a limiter whose Redis does not answer (nothing listens on that port)
      const dead = openLimiterRedis('redis://127.0.0.1:1', silent);
      const gw = await startGateway(
        config(upstream, { rateLimits: { perAddress: { limit: LIMIT, windowMs: 60_000 }, whenUnavailable: mode } }),
        { limiter: createRedisRateLimiter(dead, { keyPrefix: prefix, syncIntervalMs: 100 }) },
      );
      try {
        const res = await get(gw.url, { 'x-forwarded-for': '198.51.100.9' });
        if (mode === 'open') {
          assert.equal(res.statusCode, 200);
          assert.equal(res.headers['ratelimit'], undefined);
        } else {
          assert.equal(res.statusCode, 503);
          assert.equal(res.headers['content-type'], 'application/problem+json');
          assert.equal(res.headers['retry-after'], '1');
        }
      } finally {
        await gw.close();
        dead.disconnect();
      }
    });
  }

  describe('local counting synced with Redis', () => {
    const hits = async (limiter: RateLimiter, key: string, n: number): Promise<number> => {
      const decisions = await Promise.all(Array.from({ length: n }, async () => limiter.hit(key, LIMIT, 60_000)));
      return decisions.filter((d) => d.allowed).length;
    };
    // A test can cross a minute boundary, where Redis moves the window's count (c) to the previous
    // window's (p); each key is new and a test lasts well under a minute, so c + p is every admission.
    const counted = async (keyPrefix: string, key: string): Promise<number> => {
      const [c, p] = await redis.hmget(`${keyPrefix}${key}`, 'c', 'p');
      return Number(c ?? 0) + Number(p ?? 0);
    };
    /** Waits (up to 3 s) until Redis holds `n` for the key; fails with what it holds. */
    const untilCounted = async (keyPrefix: string, key: string, n: number): Promise<void> => {
      const deadline = Date.now() + 3_000;
      while ((await counted(keyPrefix, key)) !== n) {
        if (Date.now() > deadline) assert.fail(`Redis holds ${await counted(keyPrefix, key)} for ${key}, expected ${n}`);
        await sleep(10);
      }
    };

    it('writes local admissions to Redis within the interval, so another replica sees them', async () => {
      // GIVEN two gateway replicas sharing Redis, each syncing every 50 ms
      const keyPrefix = `${prefix}replicas:`;
      const one = createRedisRateLimiter(redis, { keyPrefix, syncIntervalMs: 50 });
      const two = createRedisRateLimiter(redis, { keyPrefix, syncIntervalMs: 50 });
      // WHEN a client is admitted 15 times by the first replica
      assert.equal(await hits(one, 'addr:192.0.2.7', 15), 15);
      // THEN Redis soon holds all 15, and the second replica admits only the 5 left of the limit
      await untilCounted(keyPrefix, 'addr:192.0.2.7', 15);
      assert.equal(await hits(two, 'addr:192.0.2.7', 15), 5);
      await untilCounted(keyPrefix, 'addr:192.0.2.7', LIMIT);
      await sleep(150); // the first replica's counter is older than two intervals now
      // AND the first replica, whose counter is now stale, asks Redis again and refuses
      assert.equal(await hits(one, 'addr:192.0.2.7', 3), 0);
      assert.equal(await counted(keyPrefix, 'addr:192.0.2.7'), LIMIT);
      await Promise.all([one.close?.(), two.close?.()]);
    });

    it('admits a bounded excess, never more than the limit per replica, when two replicas race', async () => {
      const keyPrefix = `${prefix}race:`;
      const one = createRedisRateLimiter(redis, { keyPrefix, syncIntervalMs: 50 });
      const two = createRedisRateLimiter(redis, { keyPrefix, syncIntervalMs: 50 });
      let admitted = 0;
      // A client sends 10 requests per replica every 20 ms for half a second: 500 requests against a limit of 20.
      for (let round = 0; round < 25; round++) {
        admitted += (await hits(one, 'addr:192.0.2.8', 10)) + (await hits(two, 'addr:192.0.2.8', 10));
        await sleep(20);
      }
      await Promise.all([one.close?.(), two.close?.()]);
      // Each replica is exact about its own admissions; the other's are seen at most one interval late.
      assert.ok(admitted >= LIMIT && admitted <= 2 * LIMIT, `admitted ${admitted} of 500 against a limit of ${LIMIT}`);
      assert.equal(await counted(keyPrefix, 'addr:192.0.2.8'), admitted, 'Redis counted every admission');
    });

    it('writes what is still local on close', async () => {
      const keyPrefix = `${prefix}close:`;
      const limiter = createRedisRateLimiter(redis, { keyPrefix, syncIntervalMs: 5_000 });
      assert.equal(await hits(limiter, 'user:u-1', 7), 7);
      assert.equal(await counted(keyPrefix, 'user:u-1'), 1, 'only the first request was decided in Redis; six are local');
      await limiter.close?.();
      assert.equal(await counted(keyPrefix, 'user:u-1'), 7);
    });

    it('keeps admissions made while Redis failed and writes them once it is back', async () => {
      const keyPrefix = `${prefix}outage:`;
      const flaky = new Redis(redisUrl(), { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 250 });
      const ready = (): Promise<unknown> => (flaky.status === 'ready' ? Promise.resolve() : new Promise((r) => flaky.once('ready', r)));
      try {
        await ready();
        const limiter = createRedisRateLimiter(flaky, { keyPrefix, syncIntervalMs: 30 });
        assert.equal(await hits(limiter, 'addr:192.0.2.9', 4), 4);
        // WHEN the connection drops before the batch goes out
        flaky.disconnect();
        await sleep(100);
        // THEN checks fail (whenUnavailable decides), and once Redis answers again the 4 are written
        await assert.rejects(Promise.resolve(limiter.hit('addr:192.0.2.9', LIMIT, 60_000)));
        await flaky.connect();
        await ready();
        assert.equal((await limiter.hit('addr:192.0.2.9', LIMIT, 60_000)).allowed, true);
        await limiter.close?.();
        assert.equal(await counted(keyPrefix, 'addr:192.0.2.9'), 5);
      } finally {
        flaky.disconnect();
      }
    });
  });
});
