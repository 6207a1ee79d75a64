/**
 * Request bodies of identity's API (zod), shared by the routes and the OpenAPI document.
 */
import { z } from 'zod';

// Surrounding spaces are a typing slip, not a different address: trim before checking the form.
const email = z.string().trim().pipe(z.email().max(254));

/** `POST /api/identity/register`. */
export const registerBody = z.object({
  email,
  // argon2 takes any length, but a megabyte password is a cheap way to burn CPU: cap it.
  password: z.string().min(8).max(256),
  name: z.string().trim().min(1).max(200),
});

/** `POST /api/identity/login`. */
export const loginBody = z.object({
  email,
  password: z.string().min(1).max(256),
});

/** `POST /api/identity/refresh`. The bound is loose on purpose: an access token sent by mistake must be a 401, not a 400. */
export const refreshBody = z.object({ refreshToken: z.string().min(1).max(4096) });

/** `POST /api/identity/logout`. */
export const logoutBody = z.object({ refreshToken: z.string().min(1).max(4096).optional() });
