/**
 * A sample shop as one cdk8s chart: one ShopPlatform, the ten ShopServices and one ShopGateway for
 * the shop host and the tracking host. The objects are typed by operator/api/v1alpha1.
 */
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';

/** The ten services and what each consumes and publishes (DESIGN.md §4–§5). */
export const SHOP_SERVICES: Readonly<Record<string, { consumes: string[]; publishes: string[]; minReplicas: number; lagTopic?: string }>> = {
  gateway: { consumes: [], publishes: [], minReplicas: 3 },
  identity: { consumes: [], publishes: ['user.registered'], minReplicas: 3 },
  catalog: { consumes: ['product.updated', 'stock.changed'], publishes: ['product.updated'], minReplicas: 3 },
  cart: { consumes: ['product.updated'], publishes: [], minReplicas: 3 },
  orders: {
    consumes: ['inventory.reserved', 'inventory.rejected', 'payment.authorized', 'payment.failed', 'shipment.created', 'shipment.checkpoint', 'shipment.delivered'],
    publishes: ['order.placed', 'order.confirmed', 'order.cancelled', 'order.invoiced'], minReplicas: 3, lagTopic: 'vitrine.payments',
  },
  inventory: { consumes: ['order.placed', 'order.cancelled'], publishes: ['inventory.reserved', 'inventory.rejected', 'inventory.released', 'stock.changed'], minReplicas: 3, lagTopic: 'vitrine.orders' },
  payments: { consumes: ['inventory.reserved', 'order.cancelled'], publishes: ['payment.authorized', 'payment.failed', 'payment.refunded'], minReplicas: 3, lagTopic: 'vitrine.inventory' },
  shipping: { consumes: ['order.invoiced', 'carrier.update.validated'], publishes: ['shipment.created', 'shipment.checkpoint', 'shipment.delivered'], minReplicas: 3 },
  notifications: {
    consumes: ['user.registered', 'order.confirmed', 'order.cancelled', 'shipment.created', 'shipment.checkpoint'],
    publishes: ['notification.sent', 'notification.failed'], minReplicas: 3,
  },
  integrations: { consumes: ['carrier.update.received'], publishes: ['carrier.update.received', 'carrier.update.validated'], minReplicas: 3 },
};

/** Props of {@link SampleShop}. */
export interface SampleShopProps {
  /** @default 'shop' */
  readonly namespace?: string;
  /** The shop's domain; the tracking host is `rastreio.<domain>`. @default 'empresa.com.br' */
  readonly domain?: string;
  /** @default 'ghcr.io/vitrine/vitrine:0.1.0' */
  readonly image?: string;
  /** Kafka bootstrap servers of the platform. @default ['kafka-bootstrap.kafka.svc:9092'] */
  readonly kafkaBootstrapServers?: readonly string[];
}

/** The sample shop. */
export class SampleShop extends Chart {
  constructor(scope: Construct, id: string, props: SampleShopProps = {}) {
    const namespace = props.namespace ?? 'shop';
    // No chart-wide namespace: the Namespace object itself is cluster-scoped.
    super(scope, id, { disableResourceNameHashes: true });
    const domain = props.domain ?? 'empresa.com.br';
    const image = props.image ?? 'ghcr.io/vitrine/vitrine:0.1.0';
    const group = 'vitrine.dev/v1alpha1';

    new ApiObject(this, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    new ApiObject(this, 'platform', {
      apiVersion: group, kind: 'ShopPlatform', metadata: { name: 'shop', namespace },
      spec: {
        kafka: { bootstrapServers: [...(props.kafkaBootstrapServers ?? ['kafka-bootstrap.kafka.svc:9092'])] },
        topics: { partitions: 6, replicationFactor: 3, retentionHours: 168, deletionPolicy: 'Retain' },
        postgres: { secretRef: { name: 'vitrine-postgres', key: 'DATABASE_URL' } },
        redis: { secretRef: { name: 'vitrine-redis', key: 'REDIS_URL' } },
      },
    });
    for (const [name, s] of Object.entries(SHOP_SERVICES)) {
      if (name === 'gateway') continue; // the ShopGateway runs the gateway
      new ApiObject(this, `service-${name}`, {
        apiVersion: group, kind: 'ShopService', metadata: { name, namespace },
        spec: {
          component: name,
          image,
          port: 8080,
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
          // The HA seed: 3–6 replicas at 70% CPU.
          autoscaling: {
            minReplicas: s.minReplicas, maxReplicas: 6, targetCPUUtilizationPercentage: 70,
            ...(s.lagTopic ? { kafkaLag: { consumerGroup: name, topic: s.lagTopic, lagThreshold: 100 } } : {}),
          },
          disruptionBudget: { minAvailable: 2 },
          events: { consumes: s.consumes, publishes: s.publishes },
        },
      });
    }
    new ApiObject(this, 'gateway', {
      apiVersion: group, kind: 'ShopGateway', metadata: { name: 'edge', namespace },
      spec: {
        hosts: [domain, `rastreio.${domain}`],
        routes: [
          ...['identity', 'catalog', 'cart', 'orders', 'inventory', 'payments', 'notifications', 'integrations']
            .map((svc) => ({ pathPrefix: `/api/${svc}`, service: svc })),
          { pathPrefix: '/api/tracking', service: 'shipping' },
          { pathPrefix: '/webhooks/carriers', service: 'integrations' },
          { host: `rastreio.${domain}`, pathPrefix: '/', service: 'shipping' },
        ],
        redirects: [{ host: domain, path: '/rastreio', to: `https://rastreio.${domain}/`, code: 302 }],
        tls: { secretName: 'shop-tls' },
        loadBalancer: { type: 'lb', shape: 'flexible', minBandwidthMbps: 10, maxBandwidthMbps: 100 },
        waf: {
          enabled: true, mode: 'Block', protections: ['sqli', 'xss', 'rce', 'lfi', 'rfi', 'protocol'],
          rateLimit: { requestsPerMinute: 600 }, countries: { allow: ['BR', 'PT', 'US'] },
          maxBodyBytes: 1_048_576, allowedMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
        },
        deletionPolicy: 'Delete',
      },
    });
  }
}
