/**
 * Password hashing with argon2id (@node-rs/argon2). Production uses the library's defaults
 * (19 MiB, 2 passes, OWASP's baseline); tests may lower the cost through config.
 */
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

// The package exports `Algorithm` as an ambient const enum, which isolated modules cannot read.
const ARGON2ID = 2 as Algorithm;

/** Cost knobs; absent fields take the library defaults. */
export interface PasswordCost {
  readonly memoryKib?: number;
  readonly timeCost?: number;
}

/** Hashes and verifies passwords. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed stored hash. */
  verify(stored: string, password: string): Promise<boolean>;
  /**
   * Spends the time of one verification without a user, so that an unknown e-mail answers as
   * slowly as a wrong password (no account enumeration by timing).
   */
  burn(password: string): Promise<void>;
}

/** Creates the hasher. */
export async function createPasswordHasher(cost: PasswordCost = {}): Promise<PasswordHasher> {
  const options: Options = {
    algorithm: ARGON2ID,
    ...(cost.memoryKib !== undefined ? { memoryCost: cost.memoryKib } : {}),
    ...(cost.timeCost !== undefined ? { timeCost: cost.timeCost } : {}),
  };
  const dummy = await hash('vitrine-timing-equalizer', options);
  const check = async (stored: string, password: string) => {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, options),
    verify: check,
    async burn(password) {
      await check(dummy, password);
    },
  };
}
