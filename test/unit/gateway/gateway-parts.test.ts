/** Unit tests of the gateway's pure parts: config schema, router, client address, breaker, in-memory limiter. */
import assert from 'node:assert/strict';
import { parseGatewayConfig } from '../../../services/gateway/config/schema.ts';
import { clientAddressResolver } from '../../../services/gateway/edge/client-address.ts';
import { createMemoryRateLimiter } from '../../../services/gateway/edge/memory-rate-limiter.ts';
import { rateLimitHeaders } from '../../../services/gateway/edge/rate-limiter.ts';
import { CircuitBreaker } from '../../../services/gateway/proxy/circuit-breaker.ts';
import { createRouter } from '../../../services/gateway/routing/router.ts';

const config = parseGatewayConfig({
  hosts: ['empresa.com.br', 'rastreio.empresa.com.br'],
  upstreams: { catalog: { url: 'http://catalog:8080' }, shipping: { url: 'http://shipping:8080' }, web: { url: 'http://web:8080' } },
  routes: [
    { pathPrefix: '/', service: 'web' },
    { pathPrefix: '/api/catalog', service: 'catalog' },
    { host: 'rastreio.empresa.com.br', pathPrefix: '/', service: 'shipping' },
    { pathPrefix: '/api/tracking', service: 'shipping', stripPrefix: true },
  ],
  redirects: [{ host: 'empresa.com.br', path: '/rastreio', to: 'https://rastreio.empresa.com.br/', bareQueryParam: 'h' }],
});

describe('gateway config', () => {
  it('rejects a route to an unknown upstream and names the field', () => {
    assert.throws(() => parseGatewayConfig({ routes: [{ pathPrefix: '/x', service: 'nope' }] }), /routes\.0\.service.*nope/);
  });
  it('rejects an upstream url with a path', () => {
    assert.throws(() => parseGatewayConfig({ upstreams: { a: { url: 'http://a:80/v1' } } }), /upstreams\.a\.url/);
  });
  it('defaults limits, WAF and auth', () => {
    assert.equal(config.routes[0]?.auth, 'public');
    assert.equal(config.rateLimits.whenUnavailable, 'open');
    assert.equal(config.waf.enabled, true);
    assert.equal(config.upstreams.catalog?.retries, 2);
  });
});

describe('router', () => {
  const router = createRouter(config);
  it('prefers a host route, then the longest prefix, on whole segments', () => {
    assert.equal(router.route('empresa.com.br', '/api/catalog/products')?.route.service, 'catalog');
    assert.equal(router.route('empresa.com.br', '/api/catalogue')?.route.service, 'web');
    assert.equal(router.route('rastreio.empresa.com.br', '/api/catalog')?.route.service, 'shipping');
  });
  it('strips the prefix when asked', () => {
    assert.equal(router.route('empresa.com.br', '/api/tracking/abc')?.upstreamPath, '/abc');
    assert.equal(router.route('empresa.com.br', '/api/tracking')?.upstreamPath, '/');
  });
  it('redirects /rastreio to the tracking host keeping the query, naming a bare token h', () => {
    assert.deepEqual(router.redirect('empresa.com.br', '/rastreio', 'abc123'), { location: 'https://rastreio.empresa.com.br/?h=abc123', code: 302 });
    assert.equal(router.redirect('empresa.com.br', '/rastreio', 'h=abc&utm_source=email')?.location, 'https://rastreio.empresa.com.br/?h=abc&utm_source=email');
    assert.equal(router.redirect('rastreio.empresa.com.br', '/rastreio', 'x'), undefined);
  });
});

describe('client address', () => {
  const resolve = clientAddressResolver(['10.0.0.0/8', '192.168.1.5']);
  it('ignores X-Forwarded-For from an untrusted peer', () => {
    assert.equal(resolve('203.0.113.9', '1.2.3.4').address, '203.0.113.9');
  });
  it('takes the first untrusted hop from the right when the peer is a trusted proxy', () => {
    const c = resolve('::ffff:10.1.2.3', '6.6.6.6, 198.51.100.7, 192.168.1.5');
    assert.equal(c.address, '198.51.100.7');
    assert.deepEqual(c.forwardedFor, ['6.6.6.6']);
  });
  it('falls back to the peer on a malformed header', () => {
    assert.equal(resolve('10.0.0.1', 'not-an-ip').address, '10.0.0.1');
  });
  it('refuses a malformed trusted proxy entry', () => {
    assert.throws(() => clientAddressResolver(['lb.local']), /trustedProxies/);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, lets one probe through after the reset time, closes on success', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 3, resetMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) b.onFailure();
    assert.equal(b.state, 'open');
    assert.equal(b.tryAcquire(), false);
    now = 1000;
    assert.equal(b.tryAcquire(), true);
    assert.equal(b.tryAcquire(), false, 'only one probe in half-open');
    b.onSuccess();
    assert.equal(b.state, 'closed');
  });
  it('re-opens when the probe fails', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, resetMs: 10, now: () => now });
    b.onFailure();
    now = 10;
    assert.equal(b.tryAcquire(), true);
    b.onFailure();
    assert.equal(b.state, 'open');
  });
});

describe('in-memory rate limiter', () => {
  it('refuses past the limit with Retry-After, then slides', async () => {
    let now = 60_000 * 10;
    const limiter = createMemoryRateLimiter(() => now);
    for (let i = 0; i < 5; i++) assert.equal((await limiter.hit('a', 5, 60_000)).allowed, true);
    const refused = await limiter.hit('a', 5, 60_000);
    assert.equal(refused.allowed, false);
    assert.ok(refused.retryAfterSeconds >= 1);
    assert.equal((await limiter.hit('b', 5, 60_000)).allowed, true, 'another client is unaffected');
    now += 120_000;
    assert.equal((await limiter.hit('a', 5, 60_000)).allowed, true);
    assert.equal(rateLimitHeaders(refused, 60_000)['retry-after'], String(refused.retryAfterSeconds));
  });
});
