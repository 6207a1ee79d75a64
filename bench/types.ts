/** One line of the `npm run bench` table. */
export interface BenchRow {
  /** What was measured, e.g. `events/s outbox → Kafka → inbox`. */
  name: string;
  value: number;
  unit: string;
  /** The baseline measured in the same run, e.g. `bare kafkajs produce/consume`. */
  baseline?: string;
  /** value / baseline value (or the inverse for latencies, as the row's name says). */
  ratio?: number;
  /** A goal from an issue, e.g. `≥ 0.8`. */
  goal?: string;
}

/** A benchmark driver: bench/<name>.ts exports `run`. */
export type BenchDriver = () => Promise<BenchRow[]>;
