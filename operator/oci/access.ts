/**
 * OCI clients per namespace, built from the namespace's ShopPlatform `spec.oci` (region,
 * compartment, auth) and kept while that platform's generation stays the same. A 401 from OCI
 * (a rotated key) drops the entry so the next reconcile re-reads the Secret.
 */
import { createAuthProvider, defaultPrincipalBuilders, type OciAuthSettings, type PrincipalBuilders, type SecretReader } from './auth.ts';
import { createOciClients, type OciClients } from './clients.ts';

/** Operator-level OCI options (not from any CR). */
export interface OciAccessOptions {
  /** Endpoint overrides (tests point them at the OCI fake). */
  readonly wafEndpoint?: string;
  readonly loadBalancerEndpoint?: string;
  readonly principalBuilders?: PrincipalBuilders;
}

/** A ShopPlatform's OCI settings, with what identifies their version. */
export interface PlatformOciSettings extends OciAuthSettings {
  readonly compartmentId: string;
  /** `<platform uid>/<generation>`: a new value means new settings. */
  readonly version: string;
}

/** Caches clients per namespace. */
export class OciAccess {
  private readonly entries = new Map<string, { version: string; clients: Promise<OciClients> }>();

  constructor(private readonly options: OciAccessOptions = {}) {}

  /** The clients for a namespace's settings; the Secret is read only when the settings changed. */
  clientsFor(namespace: string, settings: PlatformOciSettings, readSecret: SecretReader): Promise<OciClients> {
    const hit = this.entries.get(namespace);
    if (hit && hit.version === settings.version) return hit.clients;
    const clients = createAuthProvider(settings, readSecret, this.options.principalBuilders ?? defaultPrincipalBuilders).then((provider) =>
      createOciClients(provider, {
        region: settings.region,
        ...(this.options.wafEndpoint ? { wafEndpoint: this.options.wafEndpoint } : {}),
        ...(this.options.loadBalancerEndpoint ? { loadBalancerEndpoint: this.options.loadBalancerEndpoint } : {}),
      }));
    // A failed build is not cached: the next reconcile tries again (the Secret may appear).
    clients.catch(() => this.entries.delete(namespace));
    this.entries.set(namespace, { version: settings.version, clients });
    return clients;
  }

  /** Drops a namespace's clients (after a 401, or when its platform is gone). */
  forget(namespace: string): void {
    this.entries.delete(namespace);
  }
}
