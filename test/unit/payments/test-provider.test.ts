import assert from 'node:assert/strict';
import { createTestProvider } from '../../../services/payments/domain/test-provider.ts';
import { ProviderTimeoutError, withDeadline } from '../../../services/payments/domain/provider.ts';

const amount = { amount: 1000, currency: 'BRL' };

describe('payments test provider', () => {
  it('answers by token, deterministically', async () => {
    const p = createTestProvider();
    const signal = new AbortController().signal;
    assert.equal((await p.authorize({ paymentId: 'p1', amount, token: 'tok_approve' }, signal)).status, 'approved');
    assert.deepEqual(await p.authorize({ paymentId: 'p2', amount, token: 'tok_decline' }, signal), { status: 'declined', reason: 'card_declined' });
    assert.deepEqual(await p.authorize({ paymentId: 'p3', amount, token: 'tok_nonsense' }, signal), { status: 'declined', reason: 'invalid_token' });
  });

  it('remembers answers per payment id (idempotency key)', async () => {
    const p = createTestProvider();
    const signal = new AbortController().signal;
    const first = await p.authorize({ paymentId: 'same', amount, token: 'tok_approve' }, signal);
    const again = await p.authorize({ paymentId: 'same', amount, token: 'tok_approve' }, signal);
    assert.deepEqual(first, again);
    assert.equal(p.authorizations, 1);
  });

  it('never answers tok_timeout; the deadline gives up', async () => {
    const p = createTestProvider();
    const started = Date.now();
    await assert.rejects(
      withDeadline('authorize', 50, (signal) => p.authorize({ paymentId: 't', amount, token: 'tok_timeout' }, signal)),
      ProviderTimeoutError,
    );
    assert.ok(Date.now() - started >= 45);
  });
});
