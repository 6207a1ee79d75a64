/**
 * Kubernetes Events (events.k8s.io/v1) about the operator's objects, like controller-runtime's
 * EventRecorder. The same event about the same object is not repeated within ten minutes, so a
 * controller that keeps failing the same way does not flood the API (and a settled one writes nothing).
 */
import { randomBytes } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeClient } from './kube-client.ts';
import { RESOURCES } from './resources.ts';

/** Normal or Warning, as `kubectl describe` shows them. */
export type EventType = 'Normal' | 'Warning';

const REPEAT_WINDOW_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

/** Records Events; failures are logged, never thrown (an event is best effort). */
export class EventRecorder {
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly client: KubeClient,
    private readonly controller: string,
    private readonly instance: string,
    private readonly log: Logger,
  ) {}

  /** Emits an event about `obj`; `reason` is UpperCamelCase, `note` a human sentence. */
  record(obj: KubernetesObject, type: EventType, reason: string, note: string, action = 'Reconcile'): void {
    const md = obj.metadata;
    if (!md?.name || !md.namespace) return;
    const key = `${md.uid}|${type}|${reason}|${note}`;
    const now = Date.now();
    const last = this.recent.get(key);
    if (last !== undefined && now - last < REPEAT_WINDOW_MS) return;
    if (this.recent.size >= MAX_REMEMBERED) this.recent.clear();
    this.recent.set(key, now);
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${md.name}.${randomBytes(8).toString('hex')}`, namespace: md.namespace },
      // MicroTime: RFC 3339 with microseconds.
      eventTime: new Date(now).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
      reportingController: this.controller,
      reportingInstance: this.instance,
      action,
      reason,
      note: note.slice(0, 1000),
      type,
      regarding: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: md.name,
        namespace: md.namespace,
        uid: md.uid,
        resourceVersion: md.resourceVersion,
      },
    };
    this.client.create(RESOURCES.events, event).catch((err: unknown) => {
      this.log.warn({ err: String(err), reason }, 'could not record event');
    });
  }
}
