/**
 * The operator's configuration from the environment: parsed once, validated, defaulted, frozen.
 * A bad value stops the process with a message naming the variable.
 */
import { z } from 'zod';

const ms = (def: number) => z.coerce.number().int().positive().default(def);

const schema = z.object({
  KUBECONFIG: z.string().optional(),
  WATCH_NAMESPACE: z.string().optional(),
  LEADER_ELECTION: z.enum(['true', 'false']).default('true'),
  LEADER_ELECTION_NAMESPACE: z.string().default('vitrine-system'),
  LEADER_ELECTION_ID: z.string().default('vitrine-operator'),
  LEASE_DURATION_MS: ms(15_000),
  RENEW_DEADLINE_MS: ms(10_000),
  RETRY_PERIOD_MS: ms(2_000),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  KUBE_QPS: z.coerce.number().positive().default(500),
  KUBE_BURST: z.coerce.number().int().positive().default(1000),
  RESYNC_PERIOD_MS: ms(600_000),
  OPERATOR_IDENTITY: z.string().optional(),
  CONTROLLERS: z.string().default('shopplatform,shopservice,shopgateway'),
});

/** The parsed configuration. */
export type OperatorConfig = Readonly<z.infer<typeof schema>>;

/** Parses `env`; throws an Error naming every bad variable. */
export function loadOperatorConfig(env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid operator configuration: ${problems}`);
  }
  return Object.freeze(parsed.data);
}
