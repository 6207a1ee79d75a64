/**
 * Header names the kit adds to records on retry and dead-letter topics (besides the `ce_*` ones,
 * which travel unchanged).
 */
export const H = {
  /** How many times the record went through the retry topic. */
  retryCount: 'vitrine_retry_count',
  /** Epoch ms before which a retry must not be handled. */
  notBefore: 'vitrine_not_before',
  /** Topic the record was first consumed from. */
  originalTopic: 'vitrine_original_topic',
  originalPartition: 'vitrine_original_partition',
  originalOffset: 'vitrine_original_offset',
  /** Last error message (truncated), on retry and dead-letter records. */
  error: 'vitrine_error',
  /** Class of the last error. */
  errorType: 'vitrine_error_type',
  /** Consumer group that gave up. */
  group: 'vitrine_consumer_group',
  failedAt: 'vitrine_failed_at',
  /** Handling attempts in total. */
  attempts: 'vitrine_attempts',
  /** Set when a dead letter was moved back by replay. */
  replayedAt: 'vitrine_replayed_at',
} as const;

const MAX_ERROR_LENGTH = 1_000;

/** A short, single-line error text for a header. */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').slice(0, MAX_ERROR_LENGTH);
}

/** Headers without the kit's retry/dead-letter bookkeeping. */
export function withoutKitHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const kit = new Set<string>(Object.values(H));
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !kit.has(k)));
}
