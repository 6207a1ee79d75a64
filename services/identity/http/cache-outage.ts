/**
 * Redis being unreachable is not the client's fault and not an unknown bug: answer 503 with
 * Retry-After instead of a 500.
 */
import type { ErrorRequestHandler } from 'express';
import { kitErrors } from '../../kit/index.ts';
import { CacheUnavailableError } from '../data/guarded-cache.ts';

const RETRY_AFTER_S = 5;

/** Error middleware: a cache outage becomes a 503 problem. */
export const cacheOutage: ErrorRequestHandler = (err, _req, res, next) => {
  if (!(err instanceof CacheUnavailableError)) {
    next(err);
    return;
  }
  res.setHeader('Retry-After', String(RETRY_AFTER_S));
  next(kitErrors.unavailable('the cache is unavailable; try again shortly', {}, { cause: err }));
};
