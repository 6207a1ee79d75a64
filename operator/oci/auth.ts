/**
 * How the operator authenticates to OCI, chosen by the ShopPlatform's `oci.auth`:
 * - `apiKey`: a user's API signing key from a Secret (keys `tenancy`, `user`, `fingerprint`,
 *   `privateKey`, optional `passphrase`) → SimpleAuthenticationDetailsProvider;
 * - `instancePrincipal`: the node's instance principal (dynamic group policies);
 * - `workloadIdentity`: OKE workload identity of the operator's ServiceAccount (the default).
 * Nothing here logs or returns key material.
 */
import * as common from 'oci-common';
import { OciCallError } from './errors.ts';

/** Auth settings as a ShopPlatform's `spec.oci` carries them. */
export interface OciAuthSettings {
  readonly region: string;
  readonly auth?: 'apiKey' | 'instancePrincipal' | 'workloadIdentity';
  readonly apiKeySecretRef?: { readonly name: string; readonly key?: string };
}

/** Reads a Secret's data (base64-decoded) in the CR's namespace; undefined when it does not exist. */
export type SecretReader = (name: string) => Promise<Record<string, string> | undefined>;

/** Builders for the providers that talk to a metadata or token endpoint; replaceable in tests. */
export interface PrincipalBuilders {
  instancePrincipal(): Promise<common.AuthenticationDetailsProvider>;
  workloadIdentity(): Promise<common.AuthenticationDetailsProvider>;
}

/** The real builders (they reach the instance metadata service or the OKE proxymux). */
export const defaultPrincipalBuilders: PrincipalBuilders = {
  async instancePrincipal() {
    return new common.InstancePrincipalsAuthenticationDetailsProviderBuilder().build();
  },
  async workloadIdentity() {
    return new common.OkeWorkloadIdentityAuthenticationDetailsProvider.OkeWorkloadIdentityAuthenticationDetailsProviderBuilder().build();
  },
};

const API_KEY_FIELDS = ['tenancy', 'user', 'fingerprint', 'privateKey'] as const;

/** Parses an API-key Secret; a missing field is the user's mistake and names the field. */
export function apiKeyProvider(data: Record<string, string>, region: string, secretName: string): common.SimpleAuthenticationDetailsProvider {
  for (const field of API_KEY_FIELDS) {
    if (!data[field]) throw new OciCallError('AuthConfig', `Secret ${secretName} has no "${field}" key (needs ${API_KEY_FIELDS.join(', ')})`);
  }
  if (!data.privateKey!.includes('PRIVATE KEY')) {
    throw new OciCallError('AuthConfig', `Secret ${secretName}: "privateKey" is not a PEM private key`);
  }
  return new common.SimpleAuthenticationDetailsProvider(
    data.tenancy!, data.user!, data.fingerprint!, data.privateKey!, data.passphrase ?? null, common.Region.fromRegionId(region),
  );
}

/** Builds the provider the settings ask for. */
export async function createAuthProvider(
  settings: OciAuthSettings,
  readSecret: SecretReader,
  builders: PrincipalBuilders = defaultPrincipalBuilders,
): Promise<common.AuthenticationDetailsProvider> {
  const mode = settings.auth ?? 'workloadIdentity';
  if (mode === 'apiKey') {
    const ref = settings.apiKeySecretRef;
    if (!ref) throw new OciCallError('AuthConfig', 'oci.apiKeySecretRef is required when oci.auth is apiKey');
    const data = await readSecret(ref.name);
    if (!data) throw new OciCallError('AuthConfig', `Secret ${ref.name} (oci.apiKeySecretRef) does not exist`);
    return apiKeyProvider(data, settings.region, ref.name);
  }
  try {
    return mode === 'instancePrincipal' ? await builders.instancePrincipal() : await builders.workloadIdentity();
  } catch (err) {
    // Usually "not running on OCI" or "no token": a setup problem the user must fix, not a retry.
    throw new OciCallError('AuthConfig', `oci.auth ${mode}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
