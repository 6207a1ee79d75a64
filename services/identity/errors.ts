/**
 * Identity's error catalogue. Messages never say whether an e-mail exists beyond what
 * registration must (a taken address is a 409).
 */
import { defineErrors } from '../kit/index.ts';

/** Errors identity raises. */
export const identityErrors = defineErrors({
  email_taken: { status: 409, title: 'E-mail already registered' },
  invalid_credentials: { status: 401, title: 'Invalid e-mail or password' },
  invalid_refresh_token: { status: 401, title: 'Invalid refresh token' },
  refresh_token_reused: { status: 401, title: 'Refresh token reused; its session was revoked' },
  token_revoked: { status: 401, title: 'Token revoked' },
  too_many_attempts: { status: 429, title: 'Too many failed logins' },
  user_not_found: { status: 404, title: 'User not found' },
});
