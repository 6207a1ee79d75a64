/**
 * Status and finalizer helpers for reconcilers: status goes through the `/status` subresource by
 * server-side apply, and only when it differs from what is observed (a settled object costs no
 * write); finalizers are added and removed with merge patches guarded by resourceVersion.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { stableHash } from './apply.ts';
import type { Informer } from './informer.ts';
import type { KubeClient } from './kube-client.ts';
import type { ResourceType } from './resources.ts';

/** An object with a status. */
export interface WithStatus extends KubernetesObject {
  status?: unknown;
}

/**
 * Writes `status` through `/status` with server-side apply unless the observed status already
 * equals it. Returns true when a write was made. With `cache`, the answer goes into it at once
 * (`Informer.assume`), so the next reconcile compares against the status just written.
 */
export async function applyStatus(
  client: KubeClient,
  rt: ResourceType,
  obj: WithStatus,
  status: Record<string, unknown>,
  cache?: Informer<KubernetesObject>,
): Promise<boolean> {
  if (obj.status !== undefined && stableHash(obj.status) === stableHash(status)) return false;
  const written = await client.apply<KubernetesObject>(
    rt,
    { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace }, status } as KubernetesObject,
    'status',
  );
  cache?.assume(written);
  return true;
}

/** True when the object carries the finalizer. */
export function hasFinalizer(obj: KubernetesObject, finalizer: string): boolean {
  return (obj.metadata?.finalizers ?? []).includes(finalizer);
}

/** Adds a finalizer (no-op when present); a concurrent change fails with 409 and is retried. */
export async function addFinalizer(client: KubeClient, rt: ResourceType, obj: KubernetesObject, finalizer: string): Promise<boolean> {
  if (hasFinalizer(obj, finalizer)) return false;
  const finalizers = [...(obj.metadata?.finalizers ?? []), finalizer];
  await client.mergePatch(rt, obj.metadata?.namespace, obj.metadata?.name ?? '', {
    metadata: { finalizers, resourceVersion: obj.metadata?.resourceVersion },
  });
  return true;
}

/** Removes a finalizer (no-op when absent); call it only after the guarded resources are gone. */
export async function removeFinalizer(client: KubeClient, rt: ResourceType, obj: KubernetesObject, finalizer: string): Promise<boolean> {
  if (!hasFinalizer(obj, finalizer)) return false;
  const finalizers = (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
  await client.mergePatch(rt, obj.metadata?.namespace, obj.metadata?.name ?? '', {
    metadata: { finalizers, resourceVersion: obj.metadata?.resourceVersion },
  });
  return true;
}
