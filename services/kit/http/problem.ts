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

/** Writes `err` as a problem document. */
export function sendProblem(res: Response, err: AppError, instance?: string): void {
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
  res.status(err.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
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

/** The error middleware: register it last. */
export function problemHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    let appError: AppError | undefined = isAppError(err) ? err : undefined;
    if (!appError && err instanceof Error) appError = fromBodyParser(err);
    if (!appError) {
      log.error({ err, method: req.method, path: req.path }, 'unhandled error');
      appError = kitErrors.internal('an unexpected error occurred');
    } else if (appError.status >= 500) {
      log.error({ err: appError, code: appError.code, cause: appError.cause }, 'server error');
    }
    sendProblem(res, appError, req.originalUrl.split('?')[0]);
  };
}
