/**
 * Request validation with zod: a bad request is a 400 problem listing each issue by path.
 */
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import type { z } from 'zod';
import { kitErrors, type AppError } from '../errors.ts';

/** Schemas of the parts of a request to validate. */
export interface RequestSchemas {
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly params?: z.ZodType;
  readonly headers?: z.ZodType;
}

type Out<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** Validated parts of a request. */
export interface ValidatedInput<S extends RequestSchemas> {
  readonly body: Out<S['body']>;
  readonly query: Out<S['query']>;
  readonly params: Out<S['params']>;
  readonly headers: Out<S['headers']>;
}

/** Turns zod issues into a validation problem (`errors: [{ in, path, message }]`). */
export function validationError(where: string, error: z.ZodError): AppError {
  const errors = error.issues.map((i) => ({ in: where, path: i.path.map(String).join('.'), message: i.message }));
  const first = errors[0];
  const detail = first ? `${where}${first.path ? `.${first.path}` : ''}: ${first.message}` : `invalid ${where}`;
  return kitErrors.validation_failed(detail, { errors });
}

/** Parses `value` with `schema` or throws a 400 problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(where, result.error);
  return result.data;
}

/**
 * Wraps a handler that receives the validated request parts.
 * @example router.post('/items/:sku', validated({ params, body }, async ({ params, body }, req, res) => { ... }))
 */
export function validated<S extends RequestSchemas>(
  schemas: S,
  handler: (input: ValidatedInput<S>, req: Request, res: Response, next: NextFunction) => unknown,
): RequestHandler {
  return async (req, res, next) => {
    const input = {
      body: schemas.body ? parseOrThrow(schemas.body, req.body ?? {}, 'body') : undefined,
      query: schemas.query ? parseOrThrow(schemas.query, req.query, 'query') : undefined,
      params: schemas.params ? parseOrThrow(schemas.params, req.params, 'params') : undefined,
      headers: schemas.headers ? parseOrThrow(schemas.headers, req.headers, 'headers') : undefined,
    } as ValidatedInput<S>;
    await handler(input, req, res, next);
  };
}
