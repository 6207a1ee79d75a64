/**
 * ShopGateway reconciler: the gateway's Deployment, HPA, PDB, ConfigMap and LoadBalancer Service,
 * and through oci-sdk the WebAppFirewallPolicy and WebAppFirewall bound to the load balancer the
 * OCI cloud controller creates for that Service. Issue 8; docs/oci.md.
 *
 * Shape (kubebuilder's): fetch; not found → done; deleting → clean up OCI, then drop the
 * finalizer; invalid spec → condition, no retry; apply children; one OCI step; status through
 * `/status`; requeue while OCI work is in progress. OCI waits are requeues, never sleeps.
 */
import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import {
  SHOP_GATEWAY_DEFAULTS, type ShopGateway, type ShopGatewayStatus, type ShopPlatform, type ShopService,
} from '../api/v1alpha1/index.ts';
import { OciAccess, type OciAccessOptions, type PlatformOciSettings } from '../oci/access.ts';
import type { SecretReader } from '../oci/auth.ts';
import { OciCallError } from '../oci/errors.ts';
import { buildWafPolicy } from '../oci/waf-policy.ts';
import { applyStep, deleteStep, type OciGatewayState, type OciStepResult, type OciSyncTimings } from '../oci/waf-sync.ts';
import { gatewayConfig, renderGatewayConfigMap } from '../render/gateway-config.ts';
import { gatewayName, type GatewayOwner } from '../render/gateway-names.ts';
import { renderGatewayService, validateGatewaySpec } from '../render/gateway-service.ts';
import { renderGatewayDeployment, renderGatewayHpa, renderGatewayPdb, type GatewayWorkloadOptions } from '../render/gateway-workload.ts';
import {
  addFinalizer, APPLIED_HASH_ANNOTATION, applyStatus, hasFinalizer, isNotFound, nextConditions, readyCondition, removeFinalizer,
  RESOURCES, withOwnership, type ConditionInput, type Controller, type Informer, type Manager, type ReconcileContext, type Request,
  type ResourceType, type Result,
} from '../runtime/index.ts';

/** Finalizer guarding the OCI resources; removed only after OCI confirms the deletes. */
export const OCI_FINALIZER = 'vitrine.dev/oci-resources';

/** Image of the gateway pods when nothing else is configured. */
export const DEFAULT_GATEWAY_IMAGE = 'ghcr.io/vitrine/vitrine:0.1.0';

/** Options of the ShopGateway controller. */
export interface ShopGatewayControllerOptions {
  /** The Vitrine image the gateway pods run. @default DEFAULT_GATEWAY_IMAGE */
  readonly gatewayImage?: string;
  readonly workload?: Omit<GatewayWorkloadOptions, 'image'>;
  /** OCI endpoint overrides and principal builders (tests). */
  readonly oci?: OciAccessOptions;
  readonly timings?: OciSyncTimings;
  /** Delay before looking again when the namespace has no OCI settings yet. @default 30000 */
  readonly waitForPlatformMs?: number;
  /**
   * How long a gateway found in line with OCI is trusted without asking OCI again (events such
   * as its own status write would otherwise cost three OCI reads each). The periodic resync
   * still checks OCI after this. @default 300000
   */
  readonly settledTtlMs?: number;
  /** @default 4 */
  readonly maxConcurrentReconciles?: number;
}

type Step = { result?: OciStepResult; condition: ConditionInput; requeueAfterMs?: number };

const CHILDREN: readonly ResourceType[] = [RESOURCES.configMaps, RESOURCES.deployments, RESOURCES.hpas, RESOURCES.pdbs, RESOURCES.services];

function wafEnabled(gw: ShopGateway): boolean {
  return gw.spec.waf !== undefined && (gw.spec.waf.enabled ?? SHOP_GATEWAY_DEFAULTS.wafEnabled);
}

function ociState(status: ShopGatewayStatus | undefined): OciGatewayState {
  return {
    ...(status?.lbOcid ? { lbOcid: status.lbOcid } : {}),
    ...(status?.wafPolicyOcid ? { wafPolicyOcid: status.wafPolicyOcid } : {}),
    ...(status?.wafOcid ? { wafOcid: status.wafOcid } : {}),
    ...(status?.workRequest ? { workRequest: status.workRequest } : {}),
  };
}

function platformSettings(platform: ShopPlatform | undefined, gw: ShopGateway): PlatformOciSettings | undefined {
  const oci = platform?.spec.oci;
  if (!platform || !oci) return undefined;
  return {
    region: oci.region, auth: oci.auth ?? 'workloadIdentity',
    ...(oci.apiKeySecretRef ? { apiKeySecretRef: oci.apiKeySecretRef } : {}),
    compartmentId: gw.spec.ociCompartmentId ?? oci.compartmentId,
    version: `${platform.metadata.uid}/${platform.metadata.generation ?? 0}`,
  };
}

function secretReader(ctx: ReconcileContext, namespace: string): SecretReader {
  return async (name) => {
    try {
      const secret = await ctx.client.get<KubernetesObject & { data?: Record<string, string> }>(RESOURCES.secrets, namespace, name);
      return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}

function positiveMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer of milliseconds, got "${raw}"`);
  return value;
}

/**
 * Operator-level settings from the environment, read once when the controller is built:
 * VITRINE_IMAGE, VITRINE_OCI_WAF_ENDPOINT, VITRINE_OCI_LB_ENDPOINT (endpoint overrides),
 * VITRINE_OCI_POLL_MS and VITRINE_OCI_LB_WAIT_MS (requeue delays). A bad value stops start-up.
 */
export function gatewayOptionsFromEnv(env: NodeJS.ProcessEnv): ShopGatewayControllerOptions {
  const oci: OciAccessOptions = {
    ...(env.VITRINE_OCI_WAF_ENDPOINT ? { wafEndpoint: env.VITRINE_OCI_WAF_ENDPOINT } : {}),
    ...(env.VITRINE_OCI_LB_ENDPOINT ? { loadBalancerEndpoint: env.VITRINE_OCI_LB_ENDPOINT } : {}),
  };
  const pollMs = positiveMs(env, 'VITRINE_OCI_POLL_MS');
  const waitForLoadBalancerMs = positiveMs(env, 'VITRINE_OCI_LB_WAIT_MS');
  return Object.freeze({
    ...(env.VITRINE_IMAGE ? { gatewayImage: env.VITRINE_IMAGE } : {}),
    oci,
    timings: { ...(pollMs ? { pollMs } : {}), ...(waitForLoadBalancerMs ? { waitForLoadBalancerMs } : {}) },
  });
}

/**
 * Builds the ShopGateway controller. `registerControllers` calls it with the manager
 * (`shopGatewayController(manager)`, settings from `gatewayOptionsFromEnv`); tests pass options:
 * `shopGatewayController(undefined, { oci: {...} })`.
 */
export function shopGatewayController(_manager?: Manager, options?: ShopGatewayControllerOptions): Controller {
  const opts = options ?? gatewayOptionsFromEnv(process.env);
  const access = new OciAccess(opts.oci);
  const image = opts.gatewayImage ?? DEFAULT_GATEWAY_IMAGE;
  const waitForPlatformMs = opts.waitForPlatformMs ?? 30_000;
  const settledTtlMs = opts.settledTtlMs ?? 300_000;
  // Set on the first reconcile; lets the platform watch find the namespace's gateways.
  let gatewayCache: Informer<ShopGateway> | undefined;
  // uid → what was true when OCI last confirmed the gateway in line (generation, address, settings).
  const settled = new Map<string, { key: string; at: number; result: OciStepResult }>();

  async function applyChildren(ctx: ReconcileContext, gw: ShopGateway, owner: GatewayOwner): Promise<void> {
    const ports = new Map<string, number>();
    if (ctx.hasCache(RESOURCES.shopServices)) {
      for (const s of ctx.cache<ShopService>(RESOURCES.shopServices).list(owner.namespace)) ports.set(s.metadata.name ?? '', s.spec.port ?? 8080);
    }
    const config = renderGatewayConfigMap(owner, gatewayConfig(owner, gw.spec, ports));
    const configJson = Object.values(config.data ?? {}).join('');
    const desired: [ResourceType, KubernetesObject][] = [
      [RESOURCES.configMaps, config],
      [RESOURCES.deployments, renderGatewayDeployment(owner, { ...opts.workload, image }, configJson)],
      [RESOURCES.hpas, renderGatewayHpa(owner, { ...opts.workload, image })],
      [RESOURCES.pdbs, renderGatewayPdb(owner)],
      [RESOURCES.services, renderGatewayService(owner, gw.spec)],
    ];
    for (const [rt, child] of desired) {
      const owned = withOwnership(child, gw as KubernetesObject);
      const observed = ctx.cache(rt).get(owner.namespace, owned.metadata?.name ?? '');
      // A settled gateway makes no writes: skip children whose applied hash is current.
      if (observed?.metadata?.annotations?.[APPLIED_HASH_ANNOTATION] === owned.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]) continue;
      await ctx.client.apply(rt, owned);
    }
  }

  async function ociStep(ctx: ReconcileContext, gw: ShopGateway, mode: 'apply' | 'delete', address: string | undefined): Promise<Step> {
    const namespace = gw.metadata.namespace ?? '';
    const platform = ctx.hasCache(RESOURCES.shopPlatforms)
      ? ctx.cache<ShopPlatform>(RESOURCES.shopPlatforms).list(namespace).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))[0]
      : undefined;
    const settings = platformSettings(platform, gw);
    if (!settings) {
      return {
        condition: { type: 'WafReady', status: 'False', reason: 'OciNotConfigured', message: `no ShopPlatform with spec.oci in namespace ${namespace}` },
        requeueAfterMs: waitForPlatformMs,
      };
    }
    const owner = { uid: gw.metadata.uid ?? '', namespace, name: gw.metadata.name ?? '' };
    const previous = ociState(gw.status);
    const settledKey = `${gw.metadata.generation ?? 0}|${address ?? ''}|${settings.version}|${previous.wafPolicyOcid ?? ''}|${previous.wafOcid ?? ''}`;
    const memo = settled.get(owner.uid);
    if (mode === 'apply' && memo && memo.key === settledKey && Date.now() - memo.at < settledTtlMs) {
      return { result: memo.result, condition: { type: 'WafReady', status: 'True', reason: memo.result.reason, message: memo.result.message } };
    }
    settled.delete(owner.uid);
    try {
      const oci = await access.clientsFor(namespace, settings, secretReader(ctx, namespace));
      const result = mode === 'apply'
        ? await applyStep(oci, { owner, compartmentId: settings.compartmentId, policy: buildWafPolicy(gw.spec.waf ?? {}), address, previous, ...(opts.timings ? { timings: opts.timings } : {}) })
        : await deleteStep(oci, { owner, compartmentId: settings.compartmentId, previous, ...(opts.timings ? { timings: opts.timings } : {}) });
      if (/^(Creating|Updating|Deleting|Replacing)/.test(result.reason)) ctx.recorder.record(gw as KubernetesObject, 'Normal', result.reason, result.message);
      if (/Failed$/.test(result.reason)) ctx.recorder.record(gw as KubernetesObject, 'Warning', result.reason, result.message);
      if (mode === 'apply' && result.done) {
        const key = `${gw.metadata.generation ?? 0}|${address ?? ''}|${settings.version}|${result.state.wafPolicyOcid ?? ''}|${result.state.wafOcid ?? ''}`;
        settled.set(owner.uid, { key, at: Date.now(), result });
      }
      return {
        result,
        condition: { type: 'WafReady', status: result.done ? 'True' : 'False', reason: result.reason, message: result.message },
        ...(result.requeueAfterMs !== undefined ? { requeueAfterMs: result.requeueAfterMs } : {}),
      };
    } catch (err) {
      if (!(err instanceof OciCallError)) throw err;
      if (err.code === 'Throttled') {
        ctx.log.info({ operation: err.details.operation, retryAfterMs: err.details.retryAfterMs }, 'OCI throttled; requeue after Retry-After');
        return { condition: { type: 'WafReady', status: 'False', reason: 'OciThrottled', message: err.message }, requeueAfterMs: err.details.retryAfterMs ?? 5000 };
      }
      if (!err.permanent) throw err;
      if (err.code === 'NotAuthenticated') access.forget(namespace);
      ctx.recorder.record(gw as KubernetesObject, 'Warning', err.code, err.message);
      // A rotated key may start working again; other setup mistakes wait for a spec change.
      return {
        condition: { type: 'WafReady', status: 'False', reason: err.code, message: err.message },
        ...(err.code === 'NotAuthenticated' || err.code === 'AuthConfig' ? { requeueAfterMs: waitForPlatformMs } : {}),
      };
    }
  }

  async function writeStatus(ctx: ReconcileContext, gw: ShopGateway, conditions: ConditionInput[], state: OciGatewayState, address: string | undefined): Promise<void> {
    const status: ShopGatewayStatus = {
      observedGeneration: gw.metadata.generation ?? 0,
      conditions: nextConditions(gw.status?.conditions, [...conditions, readyCondition(conditions)], gw.metadata.generation),
      ...(address ? { address } : {}),
      ...state,
    };
    await applyStatus(ctx.client, RESOURCES.shopGateways, gw as KubernetesObject & { status?: unknown }, status as Record<string, unknown>);
  }

  async function finalize(ctx: ReconcileContext, gw: ShopGateway): Promise<Result | void> {
    if (!hasFinalizer(gw as KubernetesObject, OCI_FINALIZER)) return;
    if ((gw.spec.deletionPolicy ?? SHOP_GATEWAY_DEFAULTS.deletionPolicy) === 'Retain') {
      ctx.recorder.record(gw as KubernetesObject, 'Normal', 'OciResourcesRetained', `deletionPolicy Retain: kept WAF policy ${gw.status?.wafPolicyOcid ?? '-'} and firewall ${gw.status?.wafOcid ?? '-'}`);
      await removeFinalizer(ctx.client, RESOURCES.shopGateways, gw as KubernetesObject, OCI_FINALIZER);
      return;
    }
    const step = await ociStep(ctx, gw, 'delete', undefined);
    if (step.result?.done) {
      ctx.recorder.record(gw as KubernetesObject, 'Normal', 'OciResourcesDeleted', step.result.message);
      await removeFinalizer(ctx.client, RESOURCES.shopGateways, gw as KubernetesObject, OCI_FINALIZER);
      return;
    }
    await writeStatus(ctx, gw, [step.condition], step.result?.state ?? ociState(gw.status), gw.status?.address);
    return step.requeueAfterMs !== undefined ? { requeueAfterMs: step.requeueAfterMs } : undefined;
  }

  async function reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void> {
    gatewayCache = ctx.cache<ShopGateway>(RESOURCES.shopGateways);
    const gw = gatewayCache.get(req.namespace, req.name);
    if (!gw) return; // Deleted: children go with their owner references, OCI went before the finalizer.
    if (gw.metadata.deletionTimestamp) return finalize(ctx, gw);

    const owner: GatewayOwner = { namespace: req.namespace, name: req.name };
    const errors = validateGatewaySpec(gw.spec);
    if (errors.length > 0) {
      const message = errors.join('; ');
      ctx.recorder.record(gw as KubernetesObject, 'Warning', 'InvalidSpec', message);
      await writeStatus(ctx, gw, [{ type: 'SpecValid', status: 'False', reason: 'InvalidSpec', message }], ociState(gw.status), gw.status?.address);
      return; // A user's mistake: no retry until the spec changes.
    }
    const wafOn = wafEnabled(gw);
    if (wafOn) await addFinalizer(ctx.client, RESOURCES.shopGateways, gw as KubernetesObject, OCI_FINALIZER);
    await applyChildren(ctx, gw, owner);

    const service = ctx.cache<V1Service>(RESOURCES.services).get(req.namespace, gatewayName(owner));
    const ingress = service?.status?.loadBalancer?.ingress?.[0];
    const address = ingress?.ip ?? ingress?.hostname;
    const conditions: ConditionInput[] = [
      address
        ? { type: 'LoadBalancerReady', status: 'True', reason: 'AddressAssigned', message: `load balancer address ${address}` }
        : { type: 'LoadBalancerReady', status: 'False', reason: 'WaitingForAddress', message: 'waiting for the OCI cloud controller to provision the load balancer' },
    ];
    let state = ociState(gw.status);
    let requeueAfterMs: number | undefined;
    if (wafOn) {
      const step = await ociStep(ctx, gw, 'apply', address);
      conditions.push(step.condition);
      if (step.result) state = step.result.state;
      requeueAfterMs = step.requeueAfterMs;
    } else if (hasFinalizer(gw as KubernetesObject, OCI_FINALIZER)) {
      // The WAF was switched off: its OCI resources go, then the finalizer.
      const step = await ociStep(ctx, gw, 'delete', address);
      if (step.result) state = step.result.state;
      if (step.result?.done) await removeFinalizer(ctx.client, RESOURCES.shopGateways, gw as KubernetesObject, OCI_FINALIZER);
      conditions.push(step.result?.done ? { type: 'WafReady', status: 'True', reason: 'WafDisabled', message: 'no WAF asked for' } : step.condition);
      requeueAfterMs = step.result?.done ? undefined : step.requeueAfterMs;
    } else {
      conditions.push({ type: 'WafReady', status: 'True', reason: 'WafDisabled', message: 'no WAF asked for' });
    }
    await writeStatus(ctx, gw, conditions, state, address);
    return requeueAfterMs !== undefined ? { requeueAfterMs } : undefined;
  }

  return {
    name: 'shopgateway',
    for: RESOURCES.shopGateways,
    owns: CHILDREN,
    watches: [{
      resource: RESOURCES.shopPlatforms,
      map: (platform) => (gatewayCache?.list(platform.metadata?.namespace) ?? []).map((g) => ({ namespace: g.metadata.namespace ?? '', name: g.metadata.name ?? '' })),
    }],
    reconciler: { reconcile },
    maxConcurrentReconciles: opts.maxConcurrentReconciles ?? 4,
  };
}
