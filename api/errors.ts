import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { Logger } from '../infra/logger';
import { OrderClosedError } from '../temporal/order-client';
import { ILLEGAL_TRANSITION } from '../workflows/contract';

export interface ErrorIssue {
  path: string;
  message: string;
}

/** An HTTP refusal in the project's error shape: `{ error: { code, message, issues? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new ApiError(409, 'CONFLICT', message);
/** A part of the OMS this process was started without (e.g. channel sync). */
export const unavailable = (what: string) => new ApiError(503, 'NOT_CONFIGURED', `${what} is not available in this process`);

/** zod issues → `{ path: "lines.0.quantity", message }`, with the request part as the first segment. */
export function validationError(target: string, error: z.core.$ZodError): ApiError {
  const issues = error.issues.map((i) => ({ path: [target, ...i.path.map(String)].join('.'), message: i.message }));
  const first = issues[0];
  return new ApiError(400, 'VALIDATION_FAILED', first ? `${first.path}: ${first.message}` : 'invalid request', issues);
}

/** The one place where errors become HTTP responses. */
export function errorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) logger.error({ err, path: c.req.path }, 'request failed');
    const body = { error: { code: apiError.code, message: apiError.message, ...(apiError.issues ? { issues: apiError.issues } : {}) } };
    return c.json(body, apiError.status);
  };
}

function toApiError(err: Error): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    return new ApiError(status as ContentfulStatusCode, code, err.message || code);
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type === ILLEGAL_TRANSITION) return conflict(cause.message);
    return conflict(cause?.message ?? err.message);
  }
  if (err instanceof OrderClosedError) return conflict(err.message);
  if (err instanceof WorkflowNotFoundError) return notFound('order');
  if (err instanceof SyntaxError) return new ApiError(400, 'MALFORMED_JSON', 'request body is not valid JSON');
  if (isDependencyDown(err)) return new ApiError(503, 'UNAVAILABLE', 'a service the OMS depends on is unavailable; nothing was accepted, try again');
  return new ApiError(500, 'INTERNAL', 'internal error');
}

/** PostgreSQL SQLSTATE classes 08 (connection) and 57P (operator intervention: shutdown, cannot connect now). */
const PG_UNAVAILABLE = /^(08|57P)/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * A dependency (PostgreSQL, Redis, Temporal) is down or restarting: the request was not carried out and may be
 * retried. Walks the cause chain, since drizzle and the Temporal client wrap the driver's error.
 */
export function isDependencyDown(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (PG_UNAVAILABLE.test(code) || SOCKET_CODES.has(code))) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    if (/Connection terminated|Connection is closed|connect ECONNREFUSED|the database system is (starting up|shutting down)|MaxRetriesPerRequest|UNAVAILABLE|Stream isn't writeable/i.test(message)) return true;
    if (e.name === 'MaxRetriesPerRequestError' || e.name === 'ServiceError') return true;
  }
  return false;
}
