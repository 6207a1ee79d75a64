/**
 * Fields the kit adds to Express requests.
 */
import type { Principal } from '../auth/jwt.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Correlation id of this request (set by the correlation middleware). */
      correlationId: string;
      /** Raw bytes of a JSON body, for signature checks (webhook HMACs). */
      rawBody?: Buffer;
      /** The authenticated caller, set by the auth middleware. */
      principal?: Principal;
    }
  }
}

export {};
