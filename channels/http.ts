/** The one place platform HTTP calls go through: timeouts, transport errors and response validation. */
import { STATUS_CODES } from 'node:http';
import { request } from 'undici';
import type { z } from 'zod';
import { ChannelApiError } from './errors';
import { parseJsonLossless } from './json';
import type { Platform } from './types';

const TIMEOUT_MS = 20_000;

export interface CallTarget {
  platform: Platform;
  /** Named in errors, e.g. "pdd.order.information.get". */
  method: string;
}

/**
 * One HTTP exchange with a platform: the status and the body text. Transport failures (refused, reset, no
 * answer within the timeout) become retryable `NETWORK` errors. undici's `request()` rather than `fetch`: at the
 * peak every push costs an order-detail call, and fetch's web streams, `Request`/`Response`/`Headers` objects
 * and abort signals were a fifth of the worker's CPU (docs/peak-load.md).
 */
export async function exchange(
  target: CallTarget,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  try {
    const response = await request(url, {
      method: init.method,
      headers: { accept: 'application/json', ...init.headers },
      body: init.body,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    return { status: response.statusCode, text: await response.body.text() };
  } catch (cause) {
    throw new ChannelApiError({ ...target, code: 'NETWORK', message: (cause as Error).message, retryable: true, cause });
  }
}

/** POSTs and returns the parsed JSON body; an HTTP error status is a `ChannelApiError` (5xx and 429 retryable). */
export async function postForJson(target: CallTarget, url: string, body: string, contentType: string): Promise<unknown> {
  const { status, text } = await exchange(target, url, { method: 'POST', headers: { 'content-type': contentType }, body });
  if (status < 200 || status > 299) {
    throw new ChannelApiError({ ...target, code: `HTTP_${status}`, message: STATUS_CODES[status] ?? '', retryable: status >= 500 || status === 429 });
  }
  try {
    return parseJsonLossless(text);
  } catch (cause) {
    throw new ChannelApiError({ ...target, code: 'INVALID_RESPONSE', message: 'body is not JSON', cause });
  }
}

export function formBody(params: Readonly<Record<string, string>>): string {
  return new URLSearchParams(params).toString();
}

/** Validates a platform response; a shape we do not expect is an error, not a silent `undefined`. */
export function expectShape<S extends z.ZodType>(target: CallTarget, schema: S, json: unknown): z.output<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new ChannelApiError({ ...target, code: 'INVALID_RESPONSE', message: where });
}
