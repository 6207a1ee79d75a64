/**
 * Problem documents (RFC 9457, `application/problem+json`) and the one error middleware that maps
 * the typed error catalogue onto them. Anything unknown is a 500, logged with its stack.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { AppError} from '../errors.ts';
import { isAppError, kitErrors } from '../errors.ts';
import type { Logger } from '../logging.ts';
import { currentContext } from '../context.ts';

/** Content type of problem documents. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem document of `err`, with the correlation id of the current context. */
export function problemDocument(err: AppError, instance?: string): string {
  const body: Record<string, unknown> = {
    ...err.extra,
    type: err.type,
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
  };
  if (instance) body.instance = instance;
  const correlationId = currentContext()?.correlationId;
  if (correlationId) body.correlationId = correlationId;
  return JSON.stringify(body);
}

/** Writes `err` as a problem document. */
export function sendProblem(res: Response, err: AppError, instance?: string): void {
  res.status(err.status).type(PROBLEM_CONTENT_TYPE).send(problemDocument(err, instance));
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Maps body-parser's errors (thrown by express.json) onto the catalogue. */
function fromBodyParser(err: BodyParserError & Error): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return kitErrors.malformed_json('the request body is not valid JSON');
    case 'entity.too.large':
      return kitErrors.payload_too_large('the request body exceeds the size limit');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return kitErrors.unsupported_media_type(err.message);
    case 'request.aborted':
      return kitErrors.bad_request('the request was aborted');
    default:
      return undefined;
  }
}

/**
 * The catalogue error an answer reports for `err`: typed errors as they are, body-parser's mapped,
 * anything else a 500. Server errors are logged (unknown ones with their stack).
 */
export function appErrorOf(err: unknown, log: Logger, request: { method?: string; path: string }): AppError {
  let appError: AppError | undefined = isAppError(err) ? err : undefined;
  if (!appError && err instanceof Error) appError = fromBodyParser(err);
  if (!appError) {
    log.error({ err, method: request.method, path: request.path }, 'unhandled error');
    return kitErrors.internal('an unexpected error occurred');
  }
  if (appError.status >= 500) log.error({ err: appError, code: appError.code, cause: appError.cause }, 'server error');
  return appError;
}

/** The error middleware: register it last. */
export function problemHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    sendProblem(res, appErrorOf(err, log, { method: req.method, path: req.path }), req.originalUrl.split('?')[0]);
  };
}
