/**
 * Configuration from the environment: parsed once at start-up with zod, defaulted, frozen. A bad
 * value stops start-up with a message that names the variable (and never echoes its value, which
 * may be a secret).
 */
import { z } from 'zod';

/** Raised when the environment does not satisfy a config schema. */
export class ConfigError extends Error {
  /** Names of the offending variables. */
  readonly variables: readonly string[];
  constructor(message: string, variables: readonly string[]) {
    super(message);
    this.name = 'ConfigError';
    this.variables = variables;
  }
}

const optionalUrl = z.url().optional();

/**
 * Variables every service understands. An engine variable that is absent selects the embedded
 * default (PGlite, in-process cache, in-process bus), which is what `npm start` uses.
 */
export const baseConfigSchema = z.object({
  /** Service name; also the PostgreSQL schema and the consumer group prefix. */
  SERVICE_NAME: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** PostgreSQL connection string; absent → PGlite. */
  DATABASE_URL: optionalUrl,
  /** PGlite data directory; absent → in memory. */
  PGLITE_DATA_DIR: z.string().optional(),
  /** redis:// URL; absent → in-process cache. */
  REDIS_URL: optionalUrl,
  /** Comma-separated `host:port` list; absent → in-process bus. */
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'expected host:port[,host:port...]')
    .optional(),
  KAFKA_CLIENT_ID: z.string().optional(),
  /** JWKS URL for token verification (gateway and services with protected routes). */
  JWKS_URL: optionalUrl,
  JWT_ISSUER: z.string().default('vitrine-identity'),
  JWT_AUDIENCE: z.string().default('vitrine'),
  /** Largest accepted JSON body. */
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i).default('100kb'),
  /** Hard limit of graceful shutdown before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(25_000),
  /** Outbox relay poll interval. */
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(200),
});

/** Parsed base config. */
export type BaseConfig = z.infer<typeof baseConfigSchema>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Parses `env` against `schema` once and returns a deeply frozen result.
 * @throws ConfigError naming every bad variable.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): Readonly<z.infer<S>> {
  // An empty variable (`FOO=`) means "not set", as in most shells' intent.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const names = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? '(root)')))];
    const lines = result.error.issues.map((i) => `  ${String(i.path.join('.') || '(root)')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${names.join(', ')}\n${lines.join('\n')}`, names);
  }
  return deepFreeze(result.data) as Readonly<z.infer<S>>;
}

/**
 * Like {@link parseConfig}, but a bad value prints the message to stderr and exits the process
 * with status 78 (EX_CONFIG), which is what a service's `main.ts` wants.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): Readonly<z.infer<S>> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'invalid configuration', variables: err.variables, detail: err.message })}\n`);
      process.exit(78);
    }
    throw err;
  }
}
