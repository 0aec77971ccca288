import type { Context } from 'hono';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { AppEnv } from './context.js';
import type { Logger } from '../logger.js';
import { CourseNotFoundError } from '../db/course-repository.js';
import { ItemLockedError } from '../db/master-repository.js';
import { NotFoundError, PushConflictError, PushStateError } from '../pushes/service.js';

/** Shape of every error body the API returns. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

export function apiError(
  status: ContentfulStatusCode,
  error: string,
  message: string,
  details?: unknown,
): HTTPException {
  const body: ErrorBody = details === undefined ? { error, message } : { error, message, details };
  return new HTTPException(status, { message, res: Response.json(body, { status }) });
}

/** Lists each zod issue as `path: message`, so a client sees which value to fix. */
export function describeZodIssues(issues: z.core.$ZodIssue[]): { path: string; message: string }[] {
  return issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}

export function validationError(issues: z.core.$ZodIssue[]): HTTPException {
  const listed = describeZodIssues(issues);
  const summary = listed.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return apiError(400, 'invalid_request', `invalid request: ${summary}`, listed);
}

/** Creates the root error handler: known errors become JSON responses, the rest a logged 500. */
export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context<AppEnv>) => {
    if (error instanceof HTTPException) {
      // Errors this API raised carry a JSON response already; Hono's own (a malformed JSON body,
      // a rejected token) get one here, so every error response has the same shape.
      if (error.res) return error.getResponse();
      const status = error.status;
      let code = 'invalid_request';
      if (status === 401) code = 'invalid_token';
      if (status === 413) code = 'payload_too_large';
      const hint =
        status === 401
          ? '; send "Authorization: Bearer <token>" with a valid, unexpired token from `gradepush token`'
          : '';
      return c.json<ErrorBody>({ error: code, message: `${error.message}${hint}` }, status);
    }
    if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError) {
      logger.error({ err: error, requestId: c.get('requestId') }, 'MongoDB is unreachable');
      return c.json<ErrorBody>(
        {
          error: 'unavailable',
          message: 'MongoDB is unreachable; retry later (GET /readyz shows which service is down)',
        },
        503,
      );
    }
    if (error instanceof NotFoundError || error instanceof CourseNotFoundError) {
      return c.json<ErrorBody>({ error: 'not_found', message: error.message }, 404);
    }
    if (error instanceof PushStateError) {
      return c.json<ErrorBody>({ error: 'invalid_state', message: error.message }, 409);
    }
    if (error instanceof ItemLockedError) {
      return c.json(
        {
          error: 'item_locked',
          message: error.message,
          masterId: error.masterId,
          items: error.items,
        },
        409,
      );
    }
    if (error instanceof PushConflictError) {
      return c.json(
        { error: 'push_running', message: error.message, runningPushId: error.runningPushId },
        409,
      );
    }
    logger.error(
      { err: error, requestId: c.get('requestId'), method: c.req.method, path: c.req.path },
      'Request failed',
    );
    return c.json<ErrorBody>(
      {
        error: 'internal_error',
        message: `the server failed to handle the request (request id ${c.get('requestId')}); see the API log`,
      },
      500,
    );
  };
}
