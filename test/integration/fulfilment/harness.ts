/**
 * Starts shipping, integrations and notifications in process on the real engines (Kafka,
 * PostgreSQL, Redis), each with a unique name — hence its own schema, cache prefix and consumer
 * groups — plus a stand-in publisher for the events of services not under test (orders, identity),
 * a local JWKS for customer/admin tokens, and an SMTP sink that receives the e-mails.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { catalogTopics, createAuth, createService, baseConfigSchema, parseConfig, type Auth, type EventType, type EventData, type Service } from '../../../services/kit/index.ts';
import { create as createShipping } from '../../../services/shipping/service.ts';
import { shippingConfigSchema } from '../../../services/shipping/config.ts';
import { create as createIntegrations } from '../../../services/integrations/service.ts';
import { integrationsConfigSchema } from '../../../services/integrations/config.ts';
import { create as createNotifications } from '../../../services/notifications/service.ts';
import { notificationsConfigSchema } from '../../../services/notifications/config.ts';
import { databaseUrl, kafkaBrokers, redisUrl } from '../../support/engines.ts';
import { topicEnds } from '../../support/kafka.ts';
import { startSmtpSink, type SmtpSink } from '../../unit/notifications/smtp-sink.ts';

/** The test carrier and its webhook secret. */
export const CARRIER = 'vitrine-express';
export const CARRIER_SECRET = randomBytes(24).toString('base64url');

/** A running fulfilment set. */
export interface Fulfilment {
  readonly suffix: string;
  readonly shipping: Service;
  readonly integrations: Service;
  readonly notifications: Service;
  readonly publisher: Service;
  readonly urls: { shipping: string; integrations: string; notifications: string };
  readonly smtp: SmtpSink;
  /** `kid:secret` of the tracking key ring (to forge and expire tokens in tests). */
  readonly trackingKeys: string;
  /** Publishes an event as the stand-in of its producer. */
  publish<T extends EventType>(type: T, data: EventData<T>): Promise<void>;
  /** A bearer token with `sub` and `roles`. */
  token(sub: string, roles: string[]): Promise<string>;
  /** The value of one sample of a counter in a service's /metrics. */
  metric(service: Service, name: string, labels: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

/** Polls `check` until it returns a value, or fails naming `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function localAuth(): Promise<{ auth: Auth; sign: (sub: string, roles: string[]) => Promise<string> }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test', alg: 'EdDSA', use: 'sig' };
  const auth = createAuth({ jwks: { keys: [jwk] }, issuer: 'vitrine-identity', audience: 'vitrine' });
  const sign = (sub: string, roles: string[]) =>
    new SignJWT({ roles })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'test' })
      .setSubject(sub)
      .setIssuer('vitrine-identity')
      .setAudience('vitrine')
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(privateKey as CryptoKey);
  return { auth, sign };
}

/** Drops the run's schemas and its retry/dead-letter topics, so runs do not pile up in shared engines. */
async function cleanUp(suffix: string, schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
  const admin = new Kafka({ clientId: `cleanup-${suffix}`, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.includes(suffix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The catalog topics are shared with every other suite on these engines and hold their history; a
 * new consumer group would start from the earliest record and wade through thousands of other runs'
 * events. Committing the current end of each topic for this run's groups makes them start now.
 */
async function startGroupsAtEnd(suffix: string): Promise<void> {
  const t = (name: string) => `vitrine.${name}`;
  const groups: Record<string, string[]> = {
    [`shipping-${suffix}`]: [t('orders'), t('integrations'), t('identity')],
    [`shipping-${suffix}-cache`]: [t('shipping')],
    [`integrations-${suffix}-validate`]: [t('integrations')],
    [`integrations-${suffix}-state`]: [t('integrations')],
    [`notifications-${suffix}`]: [t('identity'), t('orders'), t('shipping')],
  };
  const kafka = new Kafka({ clientId: `setup-${suffix}`, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: catalogTopics().map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
    // One short-lived member per group commits the ends of all its topics at once (admin.setOffsets
    // would join the group once per topic, seconds each).
    await Promise.all(
      Object.entries(groups).map(async ([groupId, topics]) => {
        const ends = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await topicEnds(admin, topic) })));
        const consumer = kafka.consumer({ groupId });
        await consumer.connect();
        try {
          await consumer.subscribe({ topics, fromBeginning: false });
          const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
          await consumer.run({ autoCommit: false, eachBatch: async () => {} });
          await joined;
          await consumer.commitOffsets(ends.flatMap((e) => e.partitions.map((p) => ({ topic: e.topic, partition: p.partition, offset: p.offset }))));
        } finally {
          await consumer.disconnect();
        }
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Starts the three services and the stand-in publisher. */
export async function startFulfilment(): Promise<Fulfilment> {
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  await startGroupsAtEnd(suffix);
  const engines = { DATABASE_URL: databaseUrl(), REDIS_URL: redisUrl(), KAFKA_BROKERS: kafkaBrokers().join(','), LOG_LEVEL: 'fatal', OUTBOX_POLL_MS: '50' };
  const trackingKeys = `e2e:${randomBytes(32).toString('base64url')}`;
  const { auth, sign } = await localAuth();
  const smtp = await startSmtpSink();
  const started: Service[] = [];
  try {
    const publisher = await createService({ name: `standin-${suffix}`, config: parseConfig(baseConfigSchema, engines) });
    await publisher.start({ port: 0, handleSignals: false });
    started.push(publisher);

    const shipping = await createShipping({
      name: `shipping-${suffix}`,
      config: parseConfig(shippingConfigSchema, { ...engines, TRACKING_DOMAIN: 'vitrine.test', TRACKING_KEYS: trackingKeys, LOOKUP_PEPPER: randomBytes(32).toString('hex'), LOOKUP_LIMIT: '3' }),
    });
    const shippingServer = await shipping.start({ port: 0, handleSignals: false });
    started.push(shipping);
    const integrations = await createIntegrations({
      name: `integrations-${suffix}`,
      auth,
      config: parseConfig(integrationsConfigSchema, { ...engines, CARRIER_SECRETS: `${CARRIER}:${CARRIER_SECRET}` }),
    });
    const integrationsServer = await integrations.start({ port: 0, handleSignals: false });
    started.push(integrations);
    const shippingUrl = `http://127.0.0.1:${shippingServer.port}`;
    const notifications = await createNotifications({
      name: `notifications-${suffix}`,
      auth,
      config: parseConfig(notificationsConfigSchema, {
        ...engines,
        NOTIFY_PROVIDER: 'smtp',
        SMTP_PORT: String(smtp.port),
        SMTP_FROM: 'rastreio@vitrine.test',
        SHIPPING_URL: shippingUrl,
        NOTIFY_POLL_MS: '100',
        NOTIFY_BACKOFF_MS: '200',
      }),
    });
    const notificationsServer = await notifications.start({ port: 0, handleSignals: false });
    started.push(notifications);

    return {
      suffix,
      shipping,
      integrations,
      notifications,
      publisher,
      smtp,
      trackingKeys,
      urls: { shipping: shippingUrl, integrations: `http://127.0.0.1:${integrationsServer.port}`, notifications: `http://127.0.0.1:${notificationsServer.port}` },
      async publish(type, data) {
        await publisher.db.tx(async (tx) => {
          await publisher.events.publish(tx, { type, data } as never);
        });
      },
      token: sign,
      async metric(service, name, labels) {
        const text = await service.metrics.registry.getSingleMetricAsString(name);
        const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
        const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
        return line ? Number(line.split(' ').at(-1)) : 0;
      },
      async stop() {
        for (const s of started.reverse()) await s.stop();
        await smtp.close();
        await cleanUp(suffix, [publisher, shipping, integrations, notifications].map((s) => s.db.schema));
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    await smtp.close();
    throw err;
  }
}
