/** The OCI fake's public surface for tests. */
export { startOciFake, type OciFake, type FaultRule, type RequestLogEntry, type FakeLoadBalancerInput } from './server.ts';
export { generateTestApiKey, type TestApiKey } from './test-keys.ts';
export type { FakeCounts } from './store.ts';
