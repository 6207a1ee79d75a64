/**
 * Identity on the real PostgreSQL and Redis: refresh rotation and reuse detection (a reused token
 * revokes its whole family), the failed-login back-off, registration with `user.registered` and
 * the admin bootstrap, and logs free of e-mails and passwords.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { http, signUp, startStack, uniqueName, type Stack } from './stack.ts';

describe('identity: accounts and refresh tokens (real PostgreSQL + Redis)', function () {
  this.timeout(60_000);
  let stack: Stack;
  const adminEmail = `${uniqueName('admin')}@example.com`;

  before(async () => {
    stack = await startStack({
      identityEnv: { ADMIN_EMAILS: adminEmail, LOGIN_MAX_FAILURES: '3', LOGIN_BACKOFF_BASE_MS: '2000' },
    });
  });
  after(() => stack?.stop());

  const refresh = (refreshToken: string) => http('POST', `${stack.urls.identity}/api/identity/refresh`, { body: { refreshToken } });
  const schema = () => stack.names.identity;

  it('rotates refresh tokens; a reused one is a 401 that revokes its whole family and no other', async () => {
    const user = await signUp(stack.urls.identity);
    // A second login is a second family: it must survive the first one's revocation.
    const second = await http('POST', `${stack.urls.identity}/api/identity/login`, { body: { email: user.email, password: user.password } });
    assert.equal(second.status, 200);

    const r1 = user.refreshToken;
    const step1 = await refresh(r1);
    assert.equal(step1.status, 200);
    const r2 = String(step1.body.refreshToken);
    assert.notEqual(r2, r1);
    const step2 = await refresh(r2);
    assert.equal(step2.status, 200);
    const r3 = String(step2.body.refreshToken);

    // GIVEN r1 was rotated away, WHEN it comes back THEN 401 and the family is revoked
    const reuse = await refresh(r1);
    assert.equal(reuse.status, 401);
    assert.equal(reuse.body.code, 'refresh_token_reused');
    assert.match(reuse.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const descendant = await refresh(r3);
    assert.equal(descendant.status, 401, 'the newest token of the family is dead too');

    const families = await stack.pg.query<{ revoked: boolean; reason: string | null; tokens: number }>(
      `select f.revoked_at is not null as revoked, f.revoked_reason as reason, count(t.*)::int as tokens
         from ${schema()}.refresh_families f join ${schema()}.refresh_tokens t on t.family_id = f.id
        where f.user_id = $1 group by f.id order by count(t.*) desc`,
      [user.id],
    );
    assert.deepEqual(families.rows, [
      { revoked: true, reason: 'reuse', tokens: 3 },
      { revoked: false, reason: null, tokens: 1 },
    ]);
    assert.equal((await refresh(String(second.body.refreshToken))).status, 200, 'the other login still refreshes');

    const stored = await stack.pg.query<{ token_hash: string }>(`select token_hash from ${schema()}.refresh_tokens`);
    assert.ok(stored.rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash) && r.token_hash !== r1 && r.token_hash !== r2), 'only SHA-256 hashes are stored');
  });

  it('lets exactly one of two concurrent refreshes with the same token win, and revokes the family', async () => {
    const user = await signUp(stack.urls.identity);
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 401]);
    const winner = results.find((r) => r.status === 200);
    assert.equal((await refresh(String(winner?.body.refreshToken))).status, 401, 'the race counts as reuse');
  });

  it('answers 401 for an unknown or expired refresh token', async () => {
    assert.equal((await refresh('not-a-token')).status, 401);
    const user = await signUp(stack.urls.identity);
    await stack.pg.query(`update ${schema()}.refresh_tokens set expires_at = now() - interval '1 second' where user_id = $1`, [user.id]);
    const res = await refresh(user.refreshToken);
    assert.equal(res.status, 401);
    assert.equal(res.body.code, 'invalid_refresh_token');
  });

  it('backs off after repeated failed logins with 429 and Retry-After, per e-mail and address', async () => {
    const user = await signUp(stack.urls.identity);
    const login = (password: string) => http('POST', `${stack.urls.identity}/api/identity/login`, { body: { email: user.email, password } });
    for (let i = 0; i < 3; i++) assert.equal((await login('wrong password')).status, 401);
    const locked = await login(user.password);
    assert.equal(locked.status, 429, 'even the right password waits out the lock');
    assert.equal(locked.headers.get('retry-after'), '2');
    assert.match(locked.headers.get('content-type') ?? '', /^application\/problem\+json/);
    // Another account from the same address is not affected.
    const other = await signUp(stack.urls.identity);
    assert.equal((await http('POST', `${stack.urls.identity}/api/identity/login`, { body: { email: other.email, password: other.password } })).status, 200);
    await sleep(2_100);
    assert.equal((await login(user.password)).status, 200, 'the lock expires');
    assert.equal((await login('wrong password')).status, 401, 'a good login reset the counter');
  });

  it('registers with a normalized e-mail, refuses a duplicate with 409, bootstraps admins, publishes user.registered', async () => {
    const reg = await http('POST', `${stack.urls.identity}/api/identity/register`, {
      body: { email: `  ${adminEmail.toUpperCase()} `, password: 'long enough secret', name: 'Admin' },
    });
    assert.equal(reg.status, 201);
    assert.deepEqual(Object.keys(reg.body).sort(), ['email', 'id']);
    assert.equal(reg.body.email, adminEmail);
    const dup = await http('POST', `${stack.urls.identity}/api/identity/register`, { body: { email: adminEmail, password: 'another secret', name: 'X' } });
    assert.equal(dup.status, 409);
    const login = await http('POST', `${stack.urls.identity}/api/identity/login`, { body: { email: adminEmail, password: 'long enough secret' } });
    const me = await http('GET', `${stack.urls.identity}/api/identity/me`, { token: String(login.body.accessToken) });
    assert.deepEqual(me.body.roles, ['customer', 'admin']);
    const events = await stack.pg.query<{ value: string }>(`select value from ${schema()}.outbox where event_type = 'user.registered' and key = $1`, [reg.body.id]);
    assert.equal(events.rows.length, 1);
    assert.deepEqual(JSON.parse(String(events.rows[0]?.value)), { userId: reg.body.id, email: adminEmail, name: 'Admin' });
    const hash = await stack.pg.query<{ password_hash: string }>(`select password_hash from ${schema()}.users where id = $1`, [reg.body.id]);
    assert.match(String(hash.rows[0]?.password_hash), /^\$argon2id\$/);
  });

  it('never writes e-mails, passwords or tokens to its logs', () => {
    assert.ok(stack.identityLog.length > 5, 'identity logged something');
    const all = stack.identityLog.join('\n');
    assert.doesNotMatch(all, /@example\.com/i);
    assert.doesNotMatch(all, /correct horse|long enough secret|wrong password/);
    assert.doesNotMatch(all, /eyJ[A-Za-z0-9_-]{10,}/);
  });
});
