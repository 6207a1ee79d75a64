/**
 * How the operator marks and recognises the OCI resources it owns: freeform tags (adoption after a
 * lost status or a restart) and retry tokens derived from the CR's UID (idempotent creates).
 */
import { createHash } from 'node:crypto';

/** Freeform tag with the owning ShopGateway's UID: how an existing resource is adopted. */
export const OWNER_UID_TAG = 'vitrine.dev/owner-uid';
/** Freeform tag with `namespace/name`, for people reading the OCI console. */
export const OWNER_NAME_TAG = 'vitrine.dev/owner';
/** Freeform tag with the hash of the policy content the operator last applied. */
export const SPEC_HASH_TAG = 'vitrine.dev/spec-hash';

/** Who owns a set of OCI resources. */
export interface OciOwner {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
}

/** The tags every owned resource carries. */
export function ownerTags(owner: OciOwner): Record<string, string> {
  return { [OWNER_UID_TAG]: owner.uid, [OWNER_NAME_TAG]: `${owner.namespace}/${owner.name}` };
}

/**
 * An `opc-retry-token` (≤ 64 characters) from the owner's UID, the kind of resource and the OCID it
 * replaces (empty the first time). The same create retried after a crash or a lost answer sends the
 * same token, so OCI answers with the resource it already made; a resource deliberately re-created
 * after its predecessor was deleted gets a new token, because OCI remembers tokens for 24 hours.
 */
export function retryToken(owner: OciOwner, kind: 'policy' | 'firewall', replaces = ''): string {
  return createHash('sha256').update(`${owner.uid}\n${kind}\n${replaces}`).digest('hex').slice(0, 48);
}

/** A display name OCI accepts (1–255 characters) that tells people where it comes from. */
export function displayName(owner: OciOwner, kind: 'policy' | 'firewall'): string {
  return `vitrine-${owner.namespace}-${owner.name}-${kind}`.slice(0, 255);
}
