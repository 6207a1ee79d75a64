/** Helpers to declare signature rules compactly. */
import type { PayloadRule, TargetKind, Views } from '../types.ts';

/** Targets that carry user-controlled text. */
export const TEXT_TARGETS: readonly TargetKind[] = ['path', 'arg-name', 'arg', 'header', 'filename'];
/** Field names and values only (no path, no headers). */
export const ARG_TARGETS: readonly TargetKind[] = ['arg-name', 'arg'];

/** Quote characters, including the typographic ones some databases accept. */
export const Q = `['"\`´’‘]`;

/** A rule that matches one regular expression against one normalized view. */
export function patternRule(
  id: string,
  family: PayloadRule['family'],
  paranoia: PayloadRule['paranoia'],
  view: keyof Views,
  pattern: RegExp,
  targets: readonly TargetKind[] = TEXT_TARGETS,
  matchesPlainTokens = false,
): PayloadRule {
  return { id, family, paranoia, targets, matchesPlainTokens, test: (views) => pattern.test(views[view]) };
}

/** Values made only of these characters pass through every decoder unchanged. */
export const PLAIN_TOKEN = /^[A-Za-z0-9_.~-]*$/;

/** Joins word alternatives into a non-capturing group. */
export function words(list: readonly string[]): string {
  return `(?:${list.join('|')})`;
}
