/**
 * The operator runtime's public surface (what controllers, including the ShopGateway
 * controller, import). See docs/operator.md.
 */
export * from './apply.ts';
export * from './conditions.ts';
export type * from './controller.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './informer.ts';
export * from './kube-client.ts';
export * from './leader-election.ts';
export * from './logger.ts';
export * from './manager.ts';
export * from './metrics.ts';
export * from './resources.ts';
export * from './status.ts';
export * from './work-queue.ts';
