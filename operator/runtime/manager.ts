/**
 * The manager wires controllers to shared informers, work queues, leader election, metrics and
 * probes, like controller-runtime's manager. Informers run on every replica (a standby has a
 * warm cache); workers run only on the leader.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { PAUSED_ANNOTATION } from '../api/v1alpha1/common-types.ts';
import { MANAGED_BY, MANAGED_BY_LABEL } from './apply.ts';
import type { Controller, ReconcileContext, Request } from './controller.ts';
import { KubeApiError, PermanentError } from './errors.ts';
import { EventRecorder } from './events.ts';
import { HealthServer } from './health-server.ts';
import { Informer } from './informer.ts';
import type { KubeClient } from './kube-client.ts';
import { LeaderElector } from './leader-election.ts';
import { OperatorMetrics } from './metrics.ts';
import { objectKey, resourceKey, type ResourceType } from './resources.ts';
import { WorkQueue, type WorkOutcome } from './work-queue.ts';

/** True when an update touched more than status (generation, labels, annotations, finalizers, deletion). */
function metadataChanged(a: KubernetesObject, b: KubernetesObject): boolean {
  const pick = (o: KubernetesObject) =>
    JSON.stringify([o.metadata?.generation, o.metadata?.labels, o.metadata?.annotations, o.metadata?.finalizers, o.metadata?.deletionTimestamp]);
  return pick(a) !== pick(b);
}

/** Options of a `Manager`. */
export interface ManagerOptions {
  readonly client: KubeClient;
  readonly log: Logger;
  /** Watch and reconcile one namespace only. @default all namespaces */
  readonly namespace?: string;
  /** Leader election; absent means this process always leads (tests, single replica). */
  readonly leaderElection?: { namespace: string; name: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  /** Identity in the Lease and in Events. @default hostname + random suffix */
  readonly identity?: string;
  /** Port of /healthz, /readyz, /metrics; undefined = no server, 0 = any free port. */
  readonly healthPort?: number;
  /** Informer tuning (tests shorten these). */
  readonly informer?: { watchTimeoutSeconds?: number; stallMs?: number };
  /** Called when leadership is lost. @default exits the process, as controller-runtime does */
  readonly onLostLeadership?: () => void;
  readonly metrics?: OperatorMetrics;
  /** Resync period of controllers that set none. @default 600000 */
  readonly resyncPeriodMs?: number;
}

interface Running {
  readonly controller: Controller;
  readonly queue: WorkQueue;
  readonly primary: Informer<KubernetesObject>;
}

/** Runs controllers. */
export class Manager {
  readonly metrics: OperatorMetrics;
  readonly identity: string;
  private readonly controllers: Controller[] = [];
  private readonly informers = new Map<string, Informer<KubernetesObject>>();
  private readonly running: Running[] = [];
  private elector: LeaderElector | undefined;
  private health: HealthServer | undefined;
  private resyncTimers: NodeJS.Timeout[] = [];
  private leading = false;
  /** Port the health server listens on, once started. */
  healthPort: number | undefined;

  constructor(private readonly opts: ManagerOptions) {
    this.metrics = opts.metrics ?? new OperatorMetrics();
    this.identity = opts.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`;
  }

  /** The API client. */
  get client(): KubeClient {
    return this.opts.client;
  }

  /** True while this manager's workers run. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Registers a controller; call before `start`. */
  add(controller: Controller): void {
    this.controllers.push(controller);
  }

  /** The shared informer of a resource type (created on first use). */
  informer<T extends KubernetesObject>(rt: ResourceType, labelSelector?: string): Informer<T> {
    const key = `${resourceKey(rt)}?${labelSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer<KubernetesObject>(this.opts.client, rt, {
        namespace: this.opts.namespace,
        labelSelector,
        log: this.opts.log,
        ...this.opts.informer,
      });
      this.informers.set(key, inf);
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts informers, waits for their caches, then campaigns for leadership and runs workers. */
  async start(): Promise<void> {
    const childSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
    const optionalServed = new Map<string, boolean>();
    for (const c of this.controllers) {
      const recorder = new EventRecorder(this.opts.client, `vitrine.dev/${c.name}`, this.identity, this.opts.log);
      const primary = this.informer<KubernetesObject>(c.for);
      const concurrency = c.maxConcurrentReconciles ?? 4;
      const queue = new WorkQueue((key) => this.reconcileKey(c, primary, recorder, key), {
        concurrency,
        observer: this.metrics.queueObserver(c.name),
      });
      this.metrics.maxConcurrent.set({ controller: c.name }, concurrency);
      primary.on((type, obj, old) => {
        // A relist or resync delivering the same version is not news.
        if (type === 'update' && old?.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
        if (type === 'update' && c.ignoreStatusOnlyUpdates && old && !metadataChanged(old, obj)) return;
        queue.add(objectKey(obj));
      });
      for (const rt of c.owns ?? []) {
        this.informer(rt, childSelector).on((type, obj, old) => {
          if (type === 'update' && old?.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
          const owner = obj.metadata?.ownerReferences?.find((r) => r.controller && r.kind === c.for.kind);
          if (owner && obj.metadata?.namespace) queue.add(`${obj.metadata.namespace}/${owner.name}`);
        });
      }
      for (const w of c.watches ?? []) {
        if (w.optional) {
          const k = resourceKey(w.resource);
          if (!optionalServed.has(k)) optionalServed.set(k, await this.opts.client.serves(w.resource));
          if (!optionalServed.get(k)) continue;
        }
        this.informer(w.resource, w.labelSelector).on((_type, obj) => {
          for (const r of w.map(obj)) queue.add(`${r.namespace}/${r.name}`);
        });
      }
      this.running.push({ controller: c, queue, primary });
    }
    await Promise.all([...this.informers.values()].map((i) => i.start()));
    this.opts.log.info({ informers: [...this.informers.values()].map((i) => i.name) }, 'caches synced');

    if (this.opts.healthPort !== undefined) {
      this.health = new HealthServer(
        this.metrics.registry,
        { informers: () => this.unhealthyInformers() },
        { caches: () => ([...this.informers.values()].every((i) => i.synced) ? undefined : 'caches not synced') },
      );
      this.healthPort = await this.health.listen(this.opts.healthPort);
    }

    const le = this.opts.leaderElection;
    if (!le) {
      this.startLeading();
      return;
    }
    this.elector = new LeaderElector(this.opts.client, {
      ...le,
      identity: this.identity,
      log: this.opts.log,
      onStartedLeading: () => this.startLeading(),
      onStoppedLeading: () => {
        this.leading = false;
        this.metrics.leader.set({ name: le.name }, 0);
        this.opts.log.error({ identity: this.identity }, 'lost leadership');
        (this.opts.onLostLeadership ?? (() => process.exit(1)))();
      },
    });
    this.metrics.leader.set({ name: le.name }, 0);
    this.elector.start();
  }

  /** Stops workers (after their current keys), informers, probes; releases the lease. */
  async stop(): Promise<void> {
    for (const t of this.resyncTimers) clearInterval(t);
    this.resyncTimers = [];
    await Promise.all(this.running.map((r) => r.queue.shutDown()));
    await this.elector?.stop();
    for (const inf of this.informers.values()) inf.stop();
    await this.health?.close();
  }

  /** Resolves when every queue is empty and idle (tests and benchmarks use it). */
  async idle(): Promise<void> {
    await Promise.all(this.running.map((r) => r.queue.idle()));
  }

  private unhealthyInformers(): string | undefined {
    const bad = [...this.informers.values()].filter((i) => !i.healthy).map((i) => i.name);
    return bad.length ? `stalled or unsynced: ${bad.join(', ')}` : undefined;
  }

  private startLeading(): void {
    if (this.leading) return;
    this.leading = true;
    if (this.opts.leaderElection) this.metrics.leader.set({ name: this.opts.leaderElection.name }, 1);
    this.opts.log.info({ identity: this.identity }, 'leading: starting workers');
    for (const r of this.running) {
      r.queue.start();
      for (const obj of r.primary.list()) r.queue.add(objectKey(obj));
      const period = r.controller.resyncPeriodMs ?? this.opts.resyncPeriodMs ?? 600_000;
      const timer = setInterval(() => {
        for (const obj of r.primary.list()) r.queue.add(objectKey(obj));
      }, period);
      timer.unref();
      this.resyncTimers.push(timer);
    }
  }

  private async reconcileKey(c: Controller, primary: Informer<KubernetesObject>, recorder: EventRecorder, key: string): Promise<WorkOutcome> {
    const [namespace, name] = key.includes('/') ? (key.split('/', 2) as [string, string]) : ['', key];
    const req: Request = { namespace, name };
    const reconcileID = randomUUID();
    const log = this.opts.log.child({ controller: c.name, namespace, name, reconcileID });
    const cached = primary.get(namespace, name);
    if (cached?.metadata?.annotations?.[PAUSED_ANNOTATION] === 'true') {
      log.debug('paused, skipping');
      this.metrics.reconcileTotal.inc({ controller: c.name, result: 'paused' });
      return { kind: 'done' };
    }
    const ctx: ReconcileContext = {
      client: this.opts.client,
      log,
      recorder,
      cache: <T extends KubernetesObject>(rt: ResourceType) => this.findInformer(rt) as unknown as Informer<T>,
      hasCache: (rt) => this.findInformer(rt, false) !== undefined,
    };
    const end = this.metrics.reconcileTime.startTimer({ controller: c.name });
    this.metrics.activeWorkers.inc({ controller: c.name });
    try {
      const result = await c.reconciler.reconcile(req, ctx);
      const after = result?.requeueAfterMs;
      this.metrics.reconcileTotal.inc({ controller: c.name, result: after ? 'requeue_after' : 'success' });
      return after ? { kind: 'after', delayMs: after } : { kind: 'done' };
    } catch (err) {
      this.metrics.reconcileErrors.inc({ controller: c.name });
      if (err instanceof PermanentError) {
        this.metrics.reconcileTotal.inc({ controller: c.name, result: 'success' });
        log.warn({ reason: err.reason, err: err.message }, 'reconcile failed permanently; waiting for a change');
        return { kind: 'done' };
      }
      this.metrics.reconcileTotal.inc({ controller: c.name, result: 'error' });
      const level = err instanceof KubeApiError && err.conflict ? 'debug' : 'warn';
      log[level]({ err: err instanceof Error ? err.message : String(err) }, 'reconcile failed, retrying with back-off');
      return { kind: 'retry' };
    } finally {
      end();
      this.metrics.activeWorkers.dec({ controller: c.name });
    }
  }

  private findInformer(rt: ResourceType, required = true): Informer<KubernetesObject> | undefined {
    const prefix = `${resourceKey(rt)}?`;
    for (const [key, inf] of this.informers) if (key.startsWith(prefix)) return inf;
    if (required) throw new Error(`no informer for ${resourceKey(rt)}: add it to the controller's owns or watches`);
    return undefined;
  }
}
