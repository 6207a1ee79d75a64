// Waits until a Kafka broker answers metadata requests with itself as a live broker and a
// controller, then asks for a group coordinator so the offsets topic exists before the first
// test's consumer group needs it. Usage: node kafka-probe.mjs HOST:PORT TIMEOUT_MS
import kafkajs from 'kafkajs';

const [broker, timeoutArg] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg ?? 60000);
const kafka = new kafkajs.Kafka({
  clientId: 'vitrine-engines-probe',
  brokers: [broker],
  logLevel: kafkajs.logLevel.NOTHING,
  connectionTimeout: 1000,
  retry: { retries: 0 },
});

let lastError = 'no answer';
while (Date.now() < deadline) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length > 0 && cluster.controller !== null) {
      await admin.describeGroups(['vitrine-engines-probe']);
      await admin.disconnect();
      process.exit(0);
    }
    lastError = 'no live broker in the metadata yet';
  } catch (error) {
    lastError = error instanceof Error ? error.message : String(error);
  }
  await admin.disconnect().catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.error(`kafka at ${broker} not ready: ${lastError}`);
process.exit(1);
