/**
 * Request bodies of identity's API (zod), shared by the routes and the OpenAPI document.
 */
import { z } from 'zod';

/** `POST /api/identity/register`. */
export const registerBody = z.object({
  email: z.email().max(254),
  // argon2 takes any length, but a megabyte password is a cheap way to burn CPU: cap it.
  password: z.string().min(8).max(256),
  name: z.string().trim().min(1).max(200),
});

/** `POST /api/identity/login`. */
export const loginBody = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(256),
});

/** `POST /api/identity/refresh`. */
export const refreshBody = z.object({ refreshToken: z.string().min(1).max(512) });

/** `POST /api/identity/logout`. */
export const logoutBody = z.object({ refreshToken: z.string().min(1).max(512).optional() });
