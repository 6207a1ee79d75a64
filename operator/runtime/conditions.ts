/**
 * Conditions as Kubernetes API conventions describe them: one entry per type, with
 * `lastTransitionTime` changed only when the status flips, and a `Ready` roll-up of the rest.
 */
import type { Condition } from '../api/v1alpha1/index.ts';

/** A condition before it gets its times and generation. */
export interface ConditionInput {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

/**
 * Builds the next conditions list: `observedGeneration` set on each, `lastTransitionTime` kept
 * from `previous` when the status of that type did not change (so an unchanged status is
 * byte-for-byte equal and writes nothing).
 */
export function nextConditions(
  previous: readonly Condition[] | undefined,
  inputs: readonly ConditionInput[],
  generation: number | undefined,
  now: Date = new Date(),
): Condition[] {
  const byType = new Map((previous ?? []).map((c) => [c.type, c]));
  return inputs.map((c) => {
    const old = byType.get(c.type);
    const lastTransitionTime = old && old.status === c.status ? old.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const out: Condition = { type: c.type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime };
    if (generation !== undefined) out.observedGeneration = generation;
    return out;
  });
}

/**
 * The `Ready` roll-up: True when every specific condition is True (conditions listed in
 * `negative` are healthy when False, like `Degraded`); otherwise False with the first bad one's
 * reason and message.
 */
export function readyCondition(specific: readonly ConditionInput[], negative: readonly string[] = []): ConditionInput {
  const bad = specific.find((c) => (negative.includes(c.type) ? c.status !== 'False' : c.status !== 'True'));
  if (!bad) return { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'All conditions are healthy' };
  return {
    type: 'Ready',
    status: bad.status === 'Unknown' ? 'Unknown' : 'False',
    reason: bad.reason,
    message: `${bad.type}: ${bad.message}`,
  };
}

/** Finds a condition by type. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
