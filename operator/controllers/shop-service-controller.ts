/**
 * The ShopService reconciler: render the children with cdk8s-plus, apply the ones that differ
 * from what is observed (server-side apply, field manager vitrine-operator, owner reference),
 * delete children no longer wanted, and rebuild status from the Deployment.
 * Shape: kubebuilder's reconcile (fetch → not found: done → desired → apply → status).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  SHOP_SERVICE_DEFAULTS,
  type ShopPlatform,
  type ShopService,
  type ShopServiceStatus,
} from '../api/v1alpha1/index.ts';
import {
  KubeApiError,
  RESOURCES,
  applyStatus,
  isSubset,
  nextConditions,
  ownerLabelValue,
  readyCondition,
  withOwnership,
  type ConditionInput,
  type Controller,
  type Informer,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type ResourceType,
  type Result,
} from '../runtime/index.ts';
import { renderShopService, scalingMode, selectorString } from '../render/index.ts';

/** Children kinds, in apply order (ServiceAccount and ConfigMap before the Deployment uses them). */
const CHILD_TYPES: readonly ResourceType[] = [
  RESOURCES.serviceAccounts,
  RESOURCES.configMaps,
  RESOURCES.deployments,
  RESOURCES.services,
  RESOURCES.networkPolicies,
  RESOURCES.hpas,
  RESOURCES.pdbs,
];

interface DeploymentLike extends KubernetesObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

/** Reconciles ShopServices. */
export class ShopServiceReconciler implements Reconciler {
  constructor(private readonly childTypes: readonly ResourceType[]) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void> {
    const svc = ctx.cache<ShopService>(RESOURCES.shopServices).get(req.namespace, req.name);
    if (!svc) {
      // Gone: delete what it owned. Owner references let a cluster's garbage collector do the
      // same; doing it here also works where none runs and after the operator was down.
      await this.deleteChildren(ctx, req, undefined, new Set());
      return;
    }
    if (svc.metadata.deletionTimestamp) return;
    if (svc.spec.paused) {
      ctx.log.debug('spec.paused set, skipping');
      return;
    }
    const platform = ctx.cache<ShopPlatform>(RESOURCES.shopPlatforms).list(req.namespace)[0];
    const kedaAvailable = this.childTypes.includes(RESOURCES.scaledObjects);
    const desired = renderShopService({ name: req.name, namespace: req.namespace, spec: svc.spec, platform: platform?.spec, kedaAvailable }).map((c) =>
      withOwnership(c, svc),
    );

    const conditions: ConditionInput[] = [];
    let deployment: DeploymentLike | undefined;
    const applied: string[] = [];
    const rejected: string[] = [];
    await Promise.all(
      desired.map(async (child) => {
        const rt = this.typeOf(child);
        const observed = ctx.cache(rt).get(req.namespace, child.metadata?.name ?? '');
        if (observed && isSubset(child, observed)) {
          if (rt === RESOURCES.deployments) deployment = observed as DeploymentLike;
          return;
        }
        try {
          const result = await ctx.client.apply<KubernetesObject>(rt, child);
          // Our own write is in the cache now: its watch event will not trigger another reconcile.
          ctx.cache(rt).assume(result);
          applied.push(`${child.kind}/${child.metadata?.name}`);
          if (rt === RESOURCES.deployments) deployment = result as DeploymentLike;
        } catch (err) {
          // A child the API server refuses will be refused again until the spec changes.
          if (err instanceof KubeApiError && err.invalid) rejected.push(`${child.kind}: ${err.message}`);
          else throw err;
        }
      }),
    );
    const wanted = new Set(desired.map((c) => `${c.kind}/${c.metadata?.name}`));
    await this.deleteChildren(ctx, req, svc.metadata.uid, wanted);
    if (applied.length) ctx.log.info({ applied }, 'applied children');
    if (applied.length) ctx.recorder.record(svc, 'Normal', 'Applied', `applied ${applied.sort().join(', ')}`);
    if (rejected.length) ctx.recorder.record(svc, 'Warning', 'ApplyRejected', rejected.join('; '));

    conditions.push(
      rejected.length
        ? { type: 'ChildrenApplied', status: 'False', reason: 'ApplyRejected', message: rejected.join('; ').slice(0, 2000) }
        : { type: 'ChildrenApplied', status: 'True', reason: 'Applied', message: `${desired.length} children applied` },
    );
    const wantReplicas = deployment?.spec?.replicas ?? (svc.spec.autoscaling ? (svc.spec.autoscaling.minReplicas ?? SHOP_SERVICE_DEFAULTS.minReplicas) : (svc.spec.replicas ?? SHOP_SERVICE_DEFAULTS.replicas));
    const ready = deployment?.status?.readyReplicas ?? 0;
    conditions.push(
      wantReplicas === 0
        ? { type: 'Available', status: 'True', reason: 'ScaledToZero', message: 'no replicas wanted' }
        : ready >= wantReplicas
          ? { type: 'Available', status: 'True', reason: 'ReplicasReady', message: `${ready}/${wantReplicas} replicas ready` }
          : { type: 'Available', status: 'False', reason: 'ReplicasNotReady', message: `${ready}/${wantReplicas} replicas ready` },
    );
    const ready_ = readyCondition(conditions);
    const mode = scalingMode(svc.spec, kedaAvailable);
    const extra: ConditionInput[] = [];
    if (mode === 'keda') extra.push({ type: 'KafkaLagScaling', status: 'True', reason: 'KedaScaledObject', message: 'KEDA scales on consumer lag and CPU' });
    if (mode === 'hpa-without-keda') {
      extra.push({
        type: 'KafkaLagScaling',
        status: 'False',
        reason: 'KedaNotInstalled',
        message: "KEDA's ScaledObject CRD is not installed; the HPA keeps scaling on CPU only",
      });
    }

    const status: ShopServiceStatus = {
      observedGeneration: svc.metadata.generation,
      conditions: nextConditions(svc.status?.conditions, [ready_, ...conditions, ...extra], svc.metadata.generation),
      replicas: deployment?.status?.replicas ?? 0,
      readyReplicas: ready,
      updatedReplicas: deployment?.status?.updatedReplicas ?? 0,
      selector: selectorString(req.name),
      image: svc.spec.image,
    };
    if (await applyStatus(ctx.client, RESOURCES.shopServices, svc, status as Record<string, unknown>, ctx.cache(RESOURCES.shopServices))) {
      ctx.log.debug('status written');
    }
  }

  private typeOf(child: KubernetesObject): ResourceType {
    if (child.kind === 'ScaledObject') return RESOURCES.scaledObjects;
    const rt = CHILD_TYPES.find((t) => t.kind === child.kind);
    if (!rt) throw new Error(`no resource type for rendered kind ${child.kind}`);
    return rt;
  }

  /** Deletes children of `req` that are not wanted (all of them when the owner is gone). */
  private async deleteChildren(ctx: ReconcileContext, req: Request, ownerUid: string | undefined, wanted: Set<string>): Promise<void> {
    const label = ownerLabelValue('ShopService', req.name);
    const doomed: { rt: ResourceType; obj: KubernetesObject }[] = [];
    for (const rt of this.childTypes) {
      const inf: Informer<KubernetesObject> = ctx.cache(rt);
      for (const obj of inf.listByOwner(req.namespace, label)) {
        const ref = obj.metadata?.ownerReferences?.find((r) => r.controller && r.kind === 'ShopService' && r.name === req.name);
        if (!ref) continue;
        if (ownerUid && ref.uid === ownerUid && wanted.has(`${obj.kind}/${obj.metadata?.name}`)) continue;
        doomed.push({ rt, obj });
      }
    }
    await Promise.all(doomed.map(({ rt, obj }) => ctx.client.delete(rt, req.namespace, obj.metadata?.name ?? '', obj.metadata?.uid)));
    if (doomed.length) ctx.log.info({ deleted: doomed.map((d) => `${d.obj.kind}/${d.obj.metadata?.name}`) }, 'deleted children');
  }
}

/** The ShopService controller; `kedaAvailable` adds ScaledObjects to the owned kinds. */
export function shopServiceController(opts: { kedaAvailable: boolean; listServices: (namespace: string) => KubernetesObject[] }): Controller {
  const owns = opts.kedaAvailable ? [...CHILD_TYPES, RESOURCES.scaledObjects] : [...CHILD_TYPES];
  return {
    name: 'shopservice',
    for: RESOURCES.shopServices,
    owns,
    watches: [
      {
        // Kafka brokers and secrets of the platform go into every service's children.
        resource: RESOURCES.shopPlatforms,
        map: (platform) =>
          opts.listServices(platform.metadata?.namespace ?? '').map((s) => ({ namespace: s.metadata?.namespace ?? '', name: s.metadata?.name ?? '' })),
      },
    ],
    reconciler: new ShopServiceReconciler(owns),
    maxConcurrentReconciles: 16,
    // Status is rebuilt from the children's events; our own status writes need no reconcile.
    ignoreStatusOnlyUpdates: true,
  };
}
