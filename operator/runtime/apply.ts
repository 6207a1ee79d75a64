/**
 * Helpers for server-side apply of children: owner references, the labels the operator's child
 * informers select on, a hash of the desired state, and the "already applied" check that lets
 * a settled operator make no writes at all.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node';

/** Label on every child; child informers select on it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of `MANAGED_BY_LABEL`. */
export const MANAGED_BY = 'vitrine-operator';
/** Label naming the owning custom resource (`<kind>.<name>`, lower-case kind). */
export const OWNER_LABEL = 'vitrine.dev/owner';
/** Annotation with a hash of what the operator last applied; a changed spec changes it. */
export const APPLIED_HASH_ANNOTATION = 'vitrine.dev/applied-hash';

/** The controller owner reference to `owner`. */
export function ownerReference(owner: KubernetesObject): V1OwnerReference {
  const { apiVersion, kind, metadata } = owner;
  if (!apiVersion || !kind || !metadata?.name || !metadata.uid) {
    throw new Error(`ownerReference: the owner needs apiVersion, kind, name and uid (got ${kind}/${metadata?.name})`);
  }
  return { apiVersion, kind, name: metadata.name, uid: metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** Value of `OWNER_LABEL` for an owner. */
export function ownerLabelValue(kind: string, name: string): string {
  const value = `${kind.toLowerCase()}.${name}`;
  // Label values are at most 63 characters; long names fall back to a stable hash.
  return value.length <= 63 ? value : `${kind.toLowerCase()}.${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
}

/** A short stable hash of any JSON value (keys sorted). */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 16);
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Prepares a child for apply: sets the owner reference, the managed-by and owner labels and the
 * applied-hash annotation (a hash of everything else), so any change of the desired state is
 * visible in the observed object.
 */
export function withOwnership<T extends KubernetesObject>(child: T, owner: KubernetesObject): T {
  const metadata = child.metadata ?? {};
  const labels = { ...(metadata.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY, [OWNER_LABEL]: ownerLabelValue(owner.kind ?? '', owner.metadata?.name ?? '') };
  const base = { ...child, metadata: { ...metadata, labels, ownerReferences: [ownerReference(owner)] } };
  const annotations = { ...(metadata.annotations ?? {}), [APPLIED_HASH_ANNOTATION]: stableHash(base) };
  return { ...base, metadata: { ...base.metadata, annotations } } as T;
}

function isZeroValue(v: unknown): boolean {
  if (v === 0 || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v && typeof v === 'object') return Object.values(v).every(isZeroValue);
  return false;
}

/**
 * True when every field of `desired` is present with the same value in `observed` (extra fields
 * in `observed`, set by the API server or by people, are fine). Lists match in order: each
 * desired item must match a later observed item.
 */
export function isSubset(desired: unknown, observed: unknown): boolean {
  if (desired === null || desired === undefined) return true;
  // The API server omits zero values (Go's omitempty): `hostNetwork: false` reads back as absent.
  if (observed === undefined && isZeroValue(desired)) return true;
  if (Array.isArray(desired)) {
    if (!Array.isArray(observed)) return false;
    let j = 0;
    for (const item of desired) {
      while (j < observed.length && !isSubset(item, observed[j])) j += 1;
      if (j === observed.length) return false;
      j += 1;
    }
    return true;
  }
  if (typeof desired === 'object') {
    if (!observed || typeof observed !== 'object' || Array.isArray(observed)) return false;
    for (const [k, v] of Object.entries(desired as Record<string, unknown>)) {
      if (!isSubset(v, (observed as Record<string, unknown>)[k])) return false;
    }
    return true;
  }
  // Quantities may come back as numbers or strings ("1" vs 1).
  return desired === observed || String(desired) === String(observed);
}
