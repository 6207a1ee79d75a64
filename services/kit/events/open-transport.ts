/**
 * Picks the event transport from the config: Kafka when `KAFKA_BROKERS` is set, else a private
 * in-process bus (a process running several services passes one shared transport instead).
 */
import type { BaseConfig } from '../config.ts';
import type { Logger } from '../logging.ts';
import { createMemoryTransport } from './memory-transport.ts';
import type { Transport } from './transport.ts';

/** Opens the transport of service `name`. */
export async function openTransport(config: Pick<BaseConfig, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID'>, name: string, log: Logger): Promise<Transport> {
  if (config.KAFKA_BROKERS) {
    const { createKafkaTransport } = await import('./kafka/kafka-transport.ts');
    return createKafkaTransport({ brokers: config.KAFKA_BROKERS.split(','), clientId: config.KAFKA_CLIENT_ID ?? `vitrine-${name}`, log });
  }
  return createMemoryTransport({ onError: (err) => log.warn({ err }, 'in-process delivery failed; redelivering') });
}
