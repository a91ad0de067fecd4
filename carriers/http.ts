import { CarrierApiError } from './errors';
import type { CarrierName } from './types';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  /** Per-call deadline; the activity's own timeout should be longer. */
  timeoutMs?: number;
  /** For tests that want to see or fake the wire. */
  fetch?: FetchLike;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * POSTs and returns the status and body text. Transport failures become retryable CarrierApiErrors, so
 * callers deal with one error type; HTTP-level failures are left to the caller, who knows the envelope.
 */
export async function postText(
  carrier: CarrierName,
  url: string,
  init: { headers: Record<string, string>; body: string },
  opts: HttpOptions,
): Promise<{ status: number; text: string }> {
  const doFetch = opts.fetch ?? fetch;
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
    throw new CarrierApiError({
      carrier,
      code: timedOut ? 'TIMEOUT' : 'NETWORK',
      message: timedOut ? `no answer within ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : String((err as Error).message ?? err),
      retryable: true,
    });
  }
}

/** Parses a JSON answer, turning gateway HTML pages and truncated bodies into a CarrierApiError. */
export function parseJsonBody(carrier: CarrierName, res: { status: number; text: string }): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new CarrierApiError({
      carrier,
      code: res.status >= 200 && res.status < 300 ? 'BAD_RESPONSE' : `HTTP_${res.status}`,
      message: `non-JSON answer (HTTP ${res.status}): ${res.text.slice(0, 200)}`,
      retryable: isTransientStatus(res.status),
      httpStatus: res.status,
    });
  }
}

export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
