/**
 * The operator process: `npm run operator` runs it against KUBECONFIG (or in-cluster config).
 */
import { loadOperatorConfig } from './runtime/config.ts';
import { registerControllers } from './controllers/index.ts';
import { KubeClient, Manager, OperatorMetrics, createLogger, loadKubeConfig, routeConsoleToLogger } from './runtime/index.ts';

const log = createLogger();
routeConsoleToLogger(log);
let config;
try {
  config = loadOperatorConfig();
} catch (err) {
  log.fatal({ err: (err as Error).message }, 'bad configuration');
  process.exit(2);
}

const metrics = new OperatorMetrics();
const client = new KubeClient(loadKubeConfig(config.KUBECONFIG), {
  qps: config.KUBE_QPS,
  burst: config.KUBE_BURST,
  onRequest: (method, code) => metrics.restRequests.inc({ method, code: String(code) }),
});
const manager = new Manager({
  client,
  log,
  metrics,
  namespace: config.WATCH_NAMESPACE,
  identity: config.OPERATOR_IDENTITY,
  healthPort: config.HEALTH_PORT,
  resyncPeriodMs: config.RESYNC_PERIOD_MS,
  leaderElection:
    config.LEADER_ELECTION === 'true'
      ? {
          namespace: config.LEADER_ELECTION_NAMESPACE,
          name: config.LEADER_ELECTION_ID,
          leaseDurationMs: config.LEASE_DURATION_MS,
          renewDeadlineMs: config.RENEW_DEADLINE_MS,
          retryPeriodMs: config.RETRY_PERIOD_MS,
        }
      : undefined,
});
const wanted = new Set(config.CONTROLLERS.split(',').map((s) => s.trim()));
const registered = await registerControllers(manager, {
  platform: wanted.has('shopplatform'),
  service: wanted.has('shopservice'),
  gateway: wanted.has('shopgateway'),
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  await manager.stop();
  await registered.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await manager.start();
log.info({ identity: manager.identity, controllers: registered.names, healthPort: manager.healthPort }, 'operator started');
