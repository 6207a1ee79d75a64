/**
 * Leader election on a coordination.k8s.io/v1 Lease, like client-go's leaderelection: the
 * holder renews every `retryPeriodMs`; a candidate takes over when the lease record has not
 * changed for `leaseDurationMs` as observed on its own clock (so clocks need not agree); a
 * leader that cannot renew within `renewDeadlineMs` steps down.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KubeApiError } from './errors.ts';
import type { KubeClient } from './kube-client.ts';
import { RESOURCES } from './resources.ts';

/** Options of a `LeaderElector`. */
export interface LeaderElectionOptions {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  /** @default 15000 (controller-runtime's default) */
  readonly leaseDurationMs?: number;
  /** @default 10000 */
  readonly renewDeadlineMs?: number;
  /** @default 2000 */
  readonly retryPeriodMs?: number;
  readonly log: Logger;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
}

/** The Lease fields used here, as JSON (times are RFC 3339 strings on the wire). */
interface LeaseObject extends KubernetesObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** Campaigns for and holds one Lease. */
export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private observed: { record: string; at: number } | undefined;
  private lastRenew = 0;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: LeaderElectionOptions,
  ) {
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    if (!(this.leaseMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryMs)) {
      throw new RangeError('leader election: leaseDuration > renewDeadline > retryPeriod is required');
    }
  }

  /** True while this process holds the lease. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning. */
  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /** Stops; a leader releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.client.get<LeaseObject>(RESOURCES.leases, this.opts.namespace, this.opts.name);
      if (lease.spec?.holderIdentity === this.opts.identity) {
        lease.spec = { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: microTime(new Date()) };
        await this.client.replace(RESOURCES.leases, lease, { unlimited: true });
      }
    } catch (err) {
      this.opts.log.warn({ err: String(err) }, 'could not release the lease');
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.tryAcquireOrRenew();
    } catch (err) {
      this.opts.log.warn({ err: String(err), leader: this.leading }, 'leader election attempt failed');
    }
    if (this.leading && Date.now() - this.lastRenew > this.renewDeadlineMs) {
      this.opts.log.error({ lease: this.opts.name }, 'could not renew the lease in time, stepping down');
      this.leading = false;
      this.opts.onStoppedLeading();
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), this.leading ? this.retryMs : this.retryMs * (1 + Math.random() * 0.2));
      this.timer.unref();
    }
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const { namespace, name, identity } = this.opts;
    const now = new Date();
    let lease: LeaseObject;
    try {
      lease = await this.client.get<LeaseObject>(RESOURCES.leases, namespace, name);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.notFound)) throw err;
      await this.client.create(RESOURCES.leases, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds: Math.ceil(this.leaseMs / 1000), acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
      });
      this.becomeLeader();
      return;
    }
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity}|${spec.renewTime}|${spec.leaseDurationSeconds}`;
    if (!this.observed || this.observed.record !== record) this.observed = { record, at: Date.now() };
    const holder = spec.holderIdentity;
    const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(this.leaseMs / 1000)) * 1000;
    if (holder && holder !== identity && Date.now() - this.observed.at < durationMs) {
      if (this.leading) {
        this.leading = false;
        this.opts.onStoppedLeading();
      }
      return;
    }
    const takingOver = holder !== identity;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseMs / 1000),
      renewTime: microTime(now),
      acquireTime: takingOver ? microTime(now) : spec.acquireTime,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (takingOver && holder ? 1 : 0),
    };
    // resourceVersion in the body makes the update fail with 409 if someone else wrote first.
    await this.client.replace(RESOURCES.leases, lease, { unlimited: true });
    if (takingOver) this.opts.log.info({ lease: name, previous: holder ?? null }, 'took over the lease');
    this.becomeLeader();
  }

  private becomeLeader(): void {
    this.lastRenew = Date.now();
    if (this.leading) return;
    this.leading = true;
    this.opts.onStartedLeading();
  }
}
