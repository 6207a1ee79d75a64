/**
 * The ShopPlatform reconciler: checks Kafka through the admin API, ensures the event catalog's
 * topics with retry and dead-letter topics (partitions, replication and retention from the spec,
 * like Strimzi's topic operator), deletes them on delete only with deletionPolicy Delete, and
 * sums up the namespace's ShopServices in status.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { Kafka, logLevel, type Admin, type SASLOptions } from 'kafkajs';
import { SHOP_PLATFORM_DEFAULTS as D, type ShopPlatform, type ShopPlatformStatus, type ShopService } from '../api/v1alpha1/index.ts';
import {
  RESOURCES,
  addFinalizer,
  applyStatus,
  findCondition,
  hasFinalizer,
  nextConditions,
  readyCondition,
  removeFinalizer,
  type ConditionInput,
  type Controller,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
} from '../runtime/index.ts';
import { desiredTopics, unknownEvents } from '../render/kafka-topics.ts';

/** Finalizer that guards topic deletion (only with deletionPolicy Delete). */
export const TOPICS_FINALIZER = 'vitrine.dev/topics';
/** Kafka is checked again this often while nothing changes. */
const RECHECK_MS = 5 * 60_000;
/** A failed Kafka check is retried this soon. */
const RETRY_KAFKA_MS = 15_000;

interface SecretLike extends KubernetesObject {
  data?: Record<string, string>;
}

/** Reconciles ShopPlatforms. */
export class ShopPlatformReconciler implements Reconciler {
  private readonly admins = new Map<string, { fingerprint: string; admin: Admin }>();

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void> {
    const key = `${req.namespace}/${req.name}`;
    const platform = ctx.cache<ShopPlatform>(RESOURCES.shopPlatforms).get(req.namespace, req.name);
    if (!platform) {
      await this.dropAdmin(key);
      return;
    }
    const topicsSpec = platform.spec.topics ?? {};
    const policy = topicsSpec.deletionPolicy ?? D.deletionPolicy;
    if (platform.metadata.deletionTimestamp) {
      if (!hasFinalizer(platform, TOPICS_FINALIZER)) return;
      if (policy === 'Delete') {
        const admin = await this.admin(key, platform, ctx);
        const existing = new Set(await admin.listTopics());
        const doomed = (platform.status?.topics ?? []).filter((t) => existing.has(t));
        if (doomed.length) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
        ctx.log.info({ topics: doomed.length }, 'deleted topics (deletionPolicy Delete)');
      }
      await removeFinalizer(ctx.client, RESOURCES.shopPlatforms, platform, TOPICS_FINALIZER);
      await this.dropAdmin(key);
      return;
    }
    // The finalizer exists only while deleting topics is the policy; Retain needs none.
    if (policy === 'Delete') {
      if (await addFinalizer(ctx.client, RESOURCES.shopPlatforms, platform, TOPICS_FINALIZER)) return;
    } else if (await removeFinalizer(ctx.client, RESOURCES.shopPlatforms, platform, TOPICS_FINALIZER)) return;

    const services = ctx.cache<ShopService>(RESOURCES.shopServices).list(req.namespace);
    const conditions: ConditionInput[] = [];
    let kafkaStatus: ShopPlatformStatus['kafka'];
    let topics = platform.status?.topics;
    let requeueAfterMs = RECHECK_MS;
    try {
      const admin = await this.admin(key, platform, ctx);
      const cluster = await admin.describeCluster();
      kafkaStatus = { brokers: cluster.brokers.length, clusterId: cluster.clusterId };
      conditions.push({ type: 'KafkaReachable', status: 'True', reason: 'Connected', message: `${cluster.brokers.length} broker(s)` });
      const wanted = desiredTopics(topicsSpec.prefix ?? D.topicPrefix, services);
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !existing.has(t));
      if (missing.length) {
        const retentionMs = String((topicsSpec.retentionHours ?? D.retentionHours) * 3_600_000);
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: topicsSpec.partitions ?? D.partitions,
            replicationFactor: topicsSpec.replicationFactor ?? D.replicationFactor,
            configEntries: [{ name: 'retention.ms', value: retentionMs }],
          })),
        });
        ctx.recorder.record(platform, 'Normal', 'TopicsCreated', `created ${missing.length} topic(s)`);
      }
      topics = wanted;
      const unknown = unknownEvents(services);
      conditions.push(
        unknown.length
          ? { type: 'TopicsReady', status: 'False', reason: 'UnknownEvents', message: `not in the event catalog: ${unknown.join(', ')}` }
          : { type: 'TopicsReady', status: 'True', reason: 'Ensured', message: `${wanted.length} topics ensured` },
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.log.warn({ err: message }, 'kafka check failed');
      await this.dropAdmin(key);
      const reason = 'KafkaUnreachable';
      conditions.push({ type: 'KafkaReachable', status: 'False', reason, message: message.slice(0, 1000) });
      const previous = findCondition(platform.status?.conditions, 'TopicsReady');
      conditions.push({ type: 'TopicsReady', status: 'Unknown', reason, message: previous?.message ?? 'Kafka not reachable' });
      kafkaStatus = platform.status?.kafka;
      if (findCondition(platform.status?.conditions, 'KafkaReachable')?.status !== 'False') {
        ctx.recorder.record(platform, 'Warning', reason, message.slice(0, 500));
      }
      requeueAfterMs = RETRY_KAFKA_MS;
    }

    const total = services.length;
    const ready = services.filter((s) => findCondition(s.status?.conditions, 'Ready')?.status === 'True').length;
    conditions.push(
      ready === total
        ? { type: 'ServicesReady', status: 'True', reason: 'AllReady', message: `${ready}/${total} ShopServices ready` }
        : { type: 'ServicesReady', status: 'False', reason: 'ServicesNotReady', message: `${ready}/${total} ShopServices ready` },
    );
    const status: ShopPlatformStatus = {
      observedGeneration: platform.metadata.generation,
      conditions: nextConditions(platform.status?.conditions, [readyCondition(conditions), ...conditions], platform.metadata.generation),
      kafka: kafkaStatus,
      topics,
      services: { ready, total },
      servicesReady: `${ready}/${total}`,
    };
    await applyStatus(ctx.client, RESOURCES.shopPlatforms, platform, JSON.parse(JSON.stringify(status)) as Record<string, unknown>);
    return { requeueAfterMs };
  }

  /** An admin client per platform, rebuilt when the connection settings change. */
  private async admin(key: string, platform: ShopPlatform, ctx: ReconcileContext): Promise<Admin> {
    const k = platform.spec.kafka;
    const fingerprint = JSON.stringify(k);
    const cached = this.admins.get(key);
    if (cached?.fingerprint === fingerprint) return cached.admin;
    await this.dropAdmin(key);
    let sasl: SASLOptions | undefined;
    if (k.sasl) {
      const secret = await ctx.client.get<SecretLike>(RESOURCES.secrets, platform.metadata.namespace, k.sasl.secretRef.name);
      const decode = (name: string): string => Buffer.from(secret.data?.[name] ?? '', 'base64').toString('utf8');
      sasl = { mechanism: k.sasl.mechanism, username: decode('username'), password: decode('password') } as SASLOptions;
    }
    const kafka = new Kafka({
      clientId: 'vitrine-operator',
      brokers: k.bootstrapServers,
      ssl: k.tls ?? false,
      sasl,
      connectionTimeout: 5_000,
      requestTimeout: 15_000,
      retry: { retries: 2, initialRetryTime: 200 },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    this.admins.set(key, { fingerprint, admin });
    return admin;
  }

  private async dropAdmin(key: string): Promise<void> {
    const cached = this.admins.get(key);
    this.admins.delete(key);
    await cached?.admin.disconnect().catch(() => undefined);
  }

  /** Disconnects every admin client (on shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.admins.keys()].map((k) => this.dropAdmin(k)));
  }
}

/** The ShopPlatform controller; ShopService changes re-sum the platform of their namespace. */
export function shopPlatformController(opts: { listPlatforms: (namespace: string) => KubernetesObject[]; reconciler?: ShopPlatformReconciler }): Controller {
  return {
    name: 'shopplatform',
    for: RESOURCES.shopPlatforms,
    watches: [
      {
        resource: RESOURCES.shopServices,
        map: (svc) => opts.listPlatforms(svc.metadata?.namespace ?? '').map((p) => ({ namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '' })),
      },
    ],
    reconciler: opts.reconciler ?? new ShopPlatformReconciler(),
    maxConcurrentReconciles: 2,
  };
}
