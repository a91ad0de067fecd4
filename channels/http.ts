/** The one place platform HTTP calls go through: timeouts, transport errors and response validation. */
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

/** POSTs and returns the parsed JSON body; transport failures become retryable `ChannelApiError`s. */
export async function postForJson(target: CallTarget, url: string, body: string, contentType: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    throw new ChannelApiError({ ...target, code: 'NETWORK', message: (cause as Error).message, retryable: true, cause });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ChannelApiError({ ...target, code: `HTTP_${response.status}`, message: response.statusText, retryable: response.status >= 500 || response.status === 429 });
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
