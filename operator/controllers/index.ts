/**
 * Registers the operator's controllers with a manager. The ShopGateway controller lives in
 * ./shop-gateway-controller.ts (another area of the code); it is loaded when present and must
 * export `shopGatewayController(manager: Manager): Controller | Promise<Controller>`.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { RESOURCES, type Controller, type Manager } from '../runtime/index.ts';
import { ShopPlatformReconciler, shopPlatformController } from './shop-platform-controller.ts';
import { shopServiceController } from './shop-service-controller.ts';

/** Which controllers to run. */
export interface ControllerSelection {
  readonly platform?: boolean;
  readonly service?: boolean;
  readonly gateway?: boolean;
}

/** What `registerControllers` set up (so the caller can close it on shutdown). */
export interface Registered {
  readonly names: string[];
  close(): Promise<void>;
}

const GATEWAY_MODULE = './shop-gateway-controller.ts';

/** Adds the selected controllers (all by default) to `manager`; call before `manager.start()`. */
export async function registerControllers(manager: Manager, select: ControllerSelection = {}): Promise<Registered> {
  const names: string[] = [];
  const platformReconciler = new ShopPlatformReconciler();
  if (select.service ?? true) {
    const kedaAvailable = await manager.client.serves(RESOURCES.scaledObjects);
    const services = manager.informer<KubernetesObject>(RESOURCES.shopServices);
    manager.add(shopServiceController({ kedaAvailable, listServices: (ns) => services.list(ns) }));
    names.push('shopservice');
  }
  if (select.platform ?? true) {
    const platforms = manager.informer<KubernetesObject>(RESOURCES.shopPlatforms);
    manager.add(shopPlatformController({ listPlatforms: (ns) => platforms.list(ns), reconciler: platformReconciler }));
    names.push('shopplatform');
  }
  if (select.gateway ?? true) {
    const gateway = await loadGatewayController(manager);
    if (gateway) {
      manager.add(gateway);
      names.push(gateway.name);
    }
  }
  return { names, close: () => platformReconciler.close() };
}

async function loadGatewayController(manager: Manager): Promise<Controller | undefined> {
  let mod: { shopGatewayController?: (m: Manager) => Controller | Promise<Controller> };
  try {
    mod = (await import(GATEWAY_MODULE)) as typeof mod;
  } catch (err) {
    // Not written yet in this checkout: run without it.
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
  return mod.shopGatewayController ? await mod.shopGatewayController(manager) : undefined;
}
