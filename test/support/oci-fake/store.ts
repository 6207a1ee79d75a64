/**
 * The fake's in-memory cloud: WAF policies and firewalls, load balancers and work requests.
 * Mutations run as work requests that finish after a configurable delay (or fail on demand), and
 * the resources move through OCI's lifecycle states (CREATING → ACTIVE, UPDATING → ACTIVE,
 * DELETING → DELETED) when their work request finishes.
 */
import { randomBytes } from 'node:crypto';

/** A WAF resource (policy or firewall) as the API returns it, plus its ETag. */
export interface WafRecord {
  readonly id: string;
  etag: string;
  data: Record<string, unknown> & { lifecycleState: string; compartmentId: string; freeformTags: Record<string, string> };
}

/** A load balancer as created by the cloud controller manager (the test plays that part). */
export interface LoadBalancerRecord {
  readonly id: string;
  etag: string;
  data: Record<string, unknown> & { compartmentId: string; ipAddresses: { ipAddress: string; isPublic: boolean }[] };
}

/** A WAF work request, finishing at `finishAt`. */
export interface WorkRequestRecord {
  readonly id: string;
  readonly operationType: string;
  readonly compartmentId: string;
  readonly resources: { entityType: string; actionType: string; identifier: string }[];
  readonly timeAccepted: number;
  readonly finishAt: number;
  readonly fail: boolean;
  status: 'ACCEPTED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  timeFinished?: number;
  /** Applied once when the request finishes. */
  readonly complete: (succeeded: boolean) => void;
}

/** How many resources the fake really created, updated and deleted (replays not counted). */
export interface FakeCounts {
  createPolicy: number;
  updatePolicy: number;
  deletePolicy: number;
  createFirewall: number;
  updateFirewall: number;
  deleteFirewall: number;
  rejectedSignatures: number;
  requests: number;
}

/** A fake OCID of the given resource type. */
export function ocid(type: string, region = 'eu-frankfurt-1'): string {
  return `ocid1.${type}.oc1.${region}.${randomBytes(16).toString('hex')}`;
}

/** A fresh ETag value. */
export function newEtag(): string {
  return randomBytes(12).toString('hex');
}

/** The state of one fake OCI. */
export class FakeStore {
  readonly policies = new Map<string, WafRecord>();
  readonly firewalls = new Map<string, WafRecord>();
  readonly loadBalancers = new Map<string, LoadBalancerRecord>();
  readonly workRequests = new Map<string, WorkRequestRecord>();
  /** Load balancer work requests (the cloud controller's, already finished), as the LB API renders them. */
  readonly lbWorkRequests = new Map<string, Record<string, unknown> & { loadBalancerId: string }>();
  readonly counts: FakeCounts = {
    createPolicy: 0, updatePolicy: 0, deletePolicy: 0,
    createFirewall: 0, updateFirewall: 0, deleteFirewall: 0,
    rejectedSignatures: 0, requests: 0,
  };
  /** How long a work request runs; tests make it longer to see progress. */
  workRequestDurationMs = 150;
  /** The next N work requests fail. */
  failingWorkRequests = 0;

  /** Starts a work request for a mutation; `complete` applies its outcome later. */
  startWorkRequest(
    operationType: string,
    compartmentId: string,
    resource: { entityType: string; actionType: string; identifier: string },
    complete: (succeeded: boolean) => void,
  ): WorkRequestRecord {
    const now = Date.now();
    const fail = this.failingWorkRequests > 0;
    if (fail) this.failingWorkRequests -= 1;
    const wr: WorkRequestRecord = {
      id: ocid('wafworkrequest'), operationType, compartmentId, resources: [resource],
      timeAccepted: now, finishAt: now + this.workRequestDurationMs, fail, status: 'ACCEPTED', complete,
    };
    this.workRequests.set(wr.id, wr);
    this.tick(now);
    return wr;
  }

  /** Finishes every work request whose time has come (called before each request is served). */
  tick(now = Date.now()): void {
    for (const wr of this.workRequests.values()) {
      if (wr.status === 'SUCCEEDED' || wr.status === 'FAILED') continue;
      if (now >= wr.finishAt) {
        wr.status = wr.fail ? 'FAILED' : 'SUCCEEDED';
        wr.timeFinished = now;
        wr.complete(!wr.fail);
      } else {
        wr.status = 'IN_PROGRESS';
      }
    }
  }

  /** The work request as the WAF API returns it. */
  renderWorkRequest(wr: WorkRequestRecord, now = Date.now()): Record<string, unknown> {
    const span = Math.max(1, wr.finishAt - wr.timeAccepted);
    const done = wr.status === 'SUCCEEDED' || wr.status === 'FAILED';
    const percent = done ? 100 : Math.min(99, Math.floor(((now - wr.timeAccepted) / span) * 100));
    return {
      id: wr.id, operationType: wr.operationType, status: wr.status, compartmentId: wr.compartmentId,
      resources: wr.resources, percentComplete: percent,
      timeAccepted: new Date(wr.timeAccepted).toISOString(),
      timeStarted: new Date(wr.timeAccepted).toISOString(),
      ...(wr.timeFinished ? { timeFinished: new Date(wr.timeFinished).toISOString() } : {}),
    };
  }

  /** Resources whose lifecycle is not DELETED. */
  liveFirewalls(): WafRecord[] {
    return [...this.firewalls.values()].filter((r) => r.data.lifecycleState !== 'DELETED');
  }

  /** Policies whose lifecycle is not DELETED. */
  livePolicies(): WafRecord[] {
    return [...this.policies.values()].filter((r) => r.data.lifecycleState !== 'DELETED');
  }
}
