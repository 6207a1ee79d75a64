/**
 * The test harness's view of the real engines: where they are (from the environment or an
 * engines.env file written by `scripts/engines up`) and whether they answer.
 * A missing or silent engine is a failure that names the engine, its address and how to start
 * it, never a skip (docs/engines.md).
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { HOW_TO_PROVISION } from './engines.ts';

/** The variables that name the engines; all four set means "use these, start nothing". */
export const ENGINE_VARIABLES = ['KAFKA_BROKERS', 'DATABASE_URL', 'REDIS_URL', 'KUBECONFIG'] as const;

/** The version variables written by `scripts/engines up`, logged once per run. */
export const VERSION_VARIABLES = [
  'VITRINE_KAFKA_VERSION',
  'VITRINE_KUBERNETES_VERSION',
  'VITRINE_ETCD_VERSION',
  'VITRINE_POSTGRES_VERSION',
  'VITRINE_REDIS_VERSION',
] as const;

/** One engine's network address as the tests will reach it. */
export interface EngineEndpoint {
  readonly engine: 'kafka' | 'postgres' | 'redis' | 'kube-apiserver';
  /** The variable the address came from. */
  readonly variable: (typeof ENGINE_VARIABLES)[number];
  readonly host: string;
  readonly port: number;
}

/** Error codes of the harness (one catalogue for the test support code). */
export type HarnessErrorCode = 'ENGINE_UNREACHABLE' | 'ENGINE_MISCONFIGURED' | 'ENGINES_START_FAILED';

/** A harness failure; its message always says how to provision or start the engines. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** True when every engine variable is set, so the run uses those engines and starts none. */
export function hasEngineEnvironment(env: NodeJS.ProcessEnv): boolean {
  return ENGINE_VARIABLES.every((name) => Boolean(env[name]));
}

/**
 * Parses an engines.env file (`export NAME=value` lines, `#` comments) into a map.
 * Values are written unquoted by scripts/engines; surrounding quotes are tolerated.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const [, name, value] = match as unknown as [string, string, string];
    result[name] = value.replace(/^(['"])(.*)\1$/, '$2');
  }
  return result;
}

function misconfigured(variable: string, value: string, why: string): HarnessError {
  return new HarnessError('ENGINE_MISCONFIGURED', `${variable}=${value} ${why}. ${HOW_TO_PROVISION}`);
}

function hostPort(variable: EngineEndpoint['variable'], value: string, defaultPort: number) {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(value.trim());
  if (!match?.[1]) throw misconfigured(variable, value, 'is not host:port');
  return { host: match[1], port: match[2] ? Number(match[2]) : defaultPort };
}

function fromUrl(variable: EngineEndpoint['variable'], value: string, defaultPort: number) {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw misconfigured(variable, value, 'is not a URL');
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : defaultPort };
}

/** The API server address of a kubeconfig's current context (or its only cluster). */
export function kubeconfigServer(path: string): string {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw misconfigured('KUBECONFIG', path, `cannot be read (${(error as Error).message})`);
  }
  const config = doc as {
    'current-context'?: string;
    contexts?: { name: string; context?: { cluster?: string } }[];
    clusters?: { name: string; cluster?: { server?: string } }[];
  } | null;
  const contextName = config?.['current-context'];
  const clusterName = config?.contexts?.find((c) => c.name === contextName)?.context?.cluster;
  const clusters = config?.clusters ?? [];
  const cluster = clusters.find((c) => c.name === clusterName) ?? (clusters.length === 1 ? clusters[0] : undefined);
  const server = cluster?.cluster?.server;
  if (!server) throw misconfigured('KUBECONFIG', path, 'names no API server for its current context');
  return server;
}

/** The addresses of the four engines named by `env`; throws when one is missing or malformed. */
export function engineEndpoints(env: NodeJS.ProcessEnv): EngineEndpoint[] {
  const missing = ENGINE_VARIABLES.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new HarnessError('ENGINE_MISCONFIGURED', `${missing.join(', ')} not set. ${HOW_TO_PROVISION}`);
  }
  const value = (name: (typeof ENGINE_VARIABLES)[number]): string => env[name] as string;
  const endpoints: EngineEndpoint[] = [];
  for (const broker of value('KAFKA_BROKERS').split(',').map((s) => s.trim()).filter(Boolean)) {
    endpoints.push({ engine: 'kafka', variable: 'KAFKA_BROKERS', ...hostPort('KAFKA_BROKERS', broker, 9092) });
  }
  endpoints.push({ engine: 'postgres', variable: 'DATABASE_URL', ...fromUrl('DATABASE_URL', value('DATABASE_URL'), 5432) });
  endpoints.push({ engine: 'redis', variable: 'REDIS_URL', ...fromUrl('REDIS_URL', value('REDIS_URL'), 6379) });
  const server = kubeconfigServer(value('KUBECONFIG'));
  endpoints.push({ engine: 'kube-apiserver', variable: 'KUBECONFIG', ...fromUrl('KUBECONFIG', server, 443) });
  return endpoints;
}

/** Resolves when a TCP connection to host:port opens within `timeoutMs`; rejects otherwise. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/**
 * Checks that every engine named by `env` accepts TCP connections. Throws one HarnessError that
 * lists each unreachable engine with its address and the command that starts the engines.
 */
export async function checkEngines(env: NodeJS.ProcessEnv, timeoutMs = 2000): Promise<EngineEndpoint[]> {
  const endpoints = engineEndpoints(env);
  const results = await Promise.allSettled(endpoints.map((e) => tcpProbe(e.host, e.port, timeoutMs)));
  const failures = endpoints.flatMap((endpoint, i) => {
    const result = results[i];
    if (result?.status !== 'rejected') return [];
    const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
    return [`${endpoint.engine} at ${endpoint.host}:${endpoint.port} (${endpoint.variable}) is unreachable: ${reason}`];
  });
  if (failures.length > 0) {
    throw new HarnessError(
      'ENGINE_UNREACHABLE',
      `${failures.join('; ')}. Start the engines with \`bash scripts/engines up\` ` +
        `(check them with \`bash scripts/engines status\`). ${HOW_TO_PROVISION}`,
    );
  }
  return endpoints;
}
