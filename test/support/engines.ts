/**
 * Where the real engines of a test run are. The root hooks (test/support/hooks.ts) fill these
 * variables, either from the caller's environment or by starting the engines themselves.
 * A missing engine is a failure that says how to provision it, never a skip.
 */
const HOW_TO_PROVISION =
  'Provision and start the real engines with `bash scripts/provision && bash scripts/engines up`, ' +
  'then `source ~/.cache/vitrine/state/engines.env` (or run the whole suite with `npm run test:all`).';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: this test needs a real engine. ${HOW_TO_PROVISION}`);
  }
  return value;
}

/** Kafka bootstrap servers, e.g. `['127.0.0.1:39092']`. */
export function kafkaBrokers(): string[] {
  return required('KAFKA_BROKERS').split(',').map((s) => s.trim()).filter(Boolean);
}

/** A PostgreSQL connection string for a superuser of the test cluster. */
export function databaseUrl(): string {
  return required('DATABASE_URL');
}

/** A redis:// URL of the test redis-server. */
export function redisUrl(): string {
  return required('REDIS_URL');
}

/** Path of an admin kubeconfig for the test kube-apiserver. */
export function kubeconfigPath(): string {
  return required('KUBECONFIG');
}

export { HOW_TO_PROVISION };
