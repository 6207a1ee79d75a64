/**
 * The contract between the manager and a controller (one reconciler per kind), after
 * controller-runtime's `Reconciler` and builder: `for` the primary resource, `owns` its children
 * (a child's event enqueues its controller owner), `watches` anything else with a map function.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { EventRecorder } from './events.ts';
import type { Informer } from './informer.ts';
import type { KubeClient } from './kube-client.ts';
import type { ResourceType } from './resources.ts';

/** The object to reconcile. */
export interface Request {
  readonly namespace: string;
  readonly name: string;
}

/** What a reconcile asks for: nothing (done), or to run again after a delay (timed work). */
export interface Result {
  readonly requeueAfterMs?: number;
}

/** Read access to the manager's caches, and the tools a reconcile uses. */
export interface ReconcileContext {
  readonly client: KubeClient;
  readonly log: Logger;
  readonly recorder: EventRecorder;
  /** The shared informer (cache) of a resource type registered with the manager. */
  cache<T extends KubernetesObject>(rt: ResourceType): Informer<T>;
  /** True when the informer of `rt` exists (an optional CRD such as KEDA's was found). */
  hasCache(rt: ResourceType): boolean;
}

/** A reconciler: level-based, idempotent, safe to run again at any point. */
export interface Reconciler {
  /**
   * Brings the world in line with the object named by `req`. Throw for transient errors (the
   * key is retried with back-off); turn a user's mistake into a condition and return.
   */
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void>;
}

/** A secondary watch: events on `resource` enqueue the requests `map` returns. */
export interface Watch {
  readonly resource: ResourceType;
  readonly labelSelector?: string;
  readonly map: (obj: KubernetesObject) => Request[];
  /** Skip the watch when the API server does not serve the resource (optional CRDs). */
  readonly optional?: boolean;
}

/** A controller as the manager runs it. */
export interface Controller {
  /** Name in logs and metrics (`controller` label), like `shopservice`. */
  readonly name: string;
  readonly for: ResourceType;
  /** Child resources; only children carrying the managed-by label are watched. */
  readonly owns?: readonly ResourceType[];
  readonly watches?: readonly Watch[];
  readonly reconciler: Reconciler;
  /** @default 4 */
  readonly maxConcurrentReconciles?: number;
  /**
   * Skip update events of the primary object that change neither generation, labels,
   * annotations, finalizers nor deletion (status-only writes, like controller-runtime's
   * GenerationChangedPredicate plus metadata). @default false
   */
  readonly ignoreStatusOnlyUpdates?: boolean;
  /** Every key is reconciled again this often even without events (drift of unwatched state). @default 600000 */
  readonly resyncPeriodMs?: number;
}
