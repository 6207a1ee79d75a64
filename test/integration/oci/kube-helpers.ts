/**
 * Kubernetes helpers for the ShopGateway suite: CRDs from `crds/` (envtest's rule: the suite fails
 * when they are missing), unique namespaces, a manager per "operator process", polling.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { shopGatewayController, type ShopGatewayControllerOptions } from '../../../operator/controllers/shop-gateway-controller.ts';
import { createLogger, KubeClient, loadKubeConfig, Manager, RESOURCES, type ResourceType } from '../../../operator/runtime/index.ts';
import { kubeconfigPath } from '../../support/engines.ts';

/** Namespaces (core/v1). */
export const NAMESPACES: ResourceType = Object.freeze({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false });

/** A client for the test's kube-apiserver. */
export function kubeClient(): KubeClient {
  return new KubeClient(loadKubeConfig(kubeconfigPath()));
}

/** Polls `probe` until it returns a value other than undefined/false. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** Applies the committed CRDs and waits until they are Established. */
export async function installCrds(client: KubeClient): Promise<void> {
  const dir = join(import.meta.dirname, '../../../crds');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  if (files.length < 3) throw new Error(`crds/ holds ${files.length} CRD files; run the CRD generator first`);
  for (const file of files) {
    const crd = parse(readFileSync(join(dir, file), 'utf8')) as KubernetesObject;
    await client.apply(RESOURCES.crds, crd);
    await waitFor(`CRD ${crd.metadata?.name} established`, async () => {
      const got = await client.get<KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } }>(RESOURCES.crds, undefined, crd.metadata?.name ?? '');
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
  }
}

/** Creates a namespace with a unique name. */
export async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const name = `${prefix}-${process.pid}-${Date.now().toString(36)}`.slice(0, 63);
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/**
 * Strips finalizers from the namespace's ShopGateways (a failed test must not leave them stuck),
 * deletes its Services (the test API server has no namespace controller, and leaked Services hold
 * cluster IPs of a small shared range) and the namespace.
 */
export async function deleteNamespace(client: KubeClient, namespace: string): Promise<void> {
  for (const svc of (await client.list(RESOURCES.services, namespace)).items) {
    await client.delete(RESOURCES.services, namespace, svc.metadata?.name ?? '');
  }
  const list = await client.list(RESOURCES.shopGateways, namespace);
  for (const gw of list.items) {
    await client.mergePatch(RESOURCES.shopGateways, namespace, gw.metadata?.name ?? '', { metadata: { finalizers: null } }).catch(() => undefined);
  }
  await client.delete(NAMESPACES, undefined, namespace);
}

/** One "operator process": a manager with only the ShopGateway controller, scoped to a namespace. */
export async function startOperator(namespace: string, options: ShopGatewayControllerOptions): Promise<Manager> {
  const manager = new Manager({ client: kubeClient(), log: createLogger('shopgateway-test', process.env.TEST_LOG_LEVEL ?? 'silent'), namespace });
  manager.add(shopGatewayController(undefined, options));
  await manager.start();
  return manager;
}
