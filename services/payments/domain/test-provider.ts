/**
 * The deterministic test provider (the default): the token decides the answer.
 *
 * | token | answer |
 * |---|---|
 * | `tok_approve`, `tok_approve_*` | approved |
 * | `tok_decline` | declined `card_declined` |
 * | `tok_insufficient_funds` | declined `insufficient_funds` |
 * | `tok_timeout` | never answers (until the caller gives up) |
 * | anything else | declined `invalid_token` |
 *
 * Answers are remembered per payment id, like a real provider's idempotency keys.
 */
import type { AuthorizeOutcome, AuthorizeRequest, PaymentProvider } from './provider.ts';

function neverAnswers(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
}

/** Creates a test provider. */
export function createTestProvider(): PaymentProvider & { readonly authorizations: number } {
  const answers = new Map<string, AuthorizeOutcome>();
  const refunds = new Map<string, string>();
  let authorizations = 0;
  return {
    name: 'test',
    get authorizations() {
      return authorizations;
    },
    async authorize(request: AuthorizeRequest, signal: AbortSignal) {
      const known = answers.get(request.paymentId);
      if (known) return known;
      const token = request.token;
      let outcome: AuthorizeOutcome;
      if (token === 'tok_timeout') return neverAnswers(signal);
      if (token === 'tok_approve' || token.startsWith('tok_approve_')) {
        authorizations++;
        outcome = { status: 'approved', reference: `test_auth_${request.paymentId}` };
      } else if (token === 'tok_decline') outcome = { status: 'declined', reason: 'card_declined' };
      else if (token === 'tok_insufficient_funds') outcome = { status: 'declined', reason: 'insufficient_funds' };
      else outcome = { status: 'declined', reason: 'invalid_token' };
      answers.set(request.paymentId, outcome);
      return outcome;
    },
    async refund(request) {
      const ref = refunds.get(request.paymentId) ?? `test_refund_${request.paymentId}`;
      refunds.set(request.paymentId, ref);
      return { reference: ref };
    },
    async void() {},
  };
}
