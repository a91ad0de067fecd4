import { z } from 'zod';
import { CarrierApiError } from './errors';
import type { CarrierName } from './types';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  /** Per-call deadline; the activity's own timeout should be longer. */
  timeoutMs?: number;
  /** For tests that want to see or fake the wire. */
  fetch?: FetchLike;
}

export interface CarrierClientOptions extends HttpOptions {
  /** Clock for the request timestamp (tests). */
  now?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** The API root without trailing slashes, so paths can be appended as they stand in the wire file. */
export function apiRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

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

/**
 * One POST whose answer must be the carrier's JSON envelope: transport failures, non-JSON bodies and
 * envelopes of the wrong shape all become CarrierApiErrors. `call` names the call in the error message
 * ("to <service>", "from <path>"); what the envelope's own code means is left to the caller.
 */
export async function postForEnvelope<T extends z.ZodType>(
  carrier: CarrierName,
  request: { url: string; headers: Record<string, string>; body: string; call: string },
  envelopeSchema: T,
  opts: HttpOptions,
): Promise<{ status: number; envelope: z.output<T> }> {
  const res = await postText(carrier, request.url, { headers: request.headers, body: request.body }, opts);
  const envelope = envelopeSchema.safeParse(parseJsonBody(carrier, res));
  if (!envelope.success) {
    throw new CarrierApiError({
      carrier,
      code: res.status >= 400 ? `HTTP_${res.status}` : 'BAD_RESPONSE',
      message: `unexpected answer ${request.call}: ${res.text.slice(0, 200)}`,
      retryable: isTransientStatus(res.status),
      httpStatus: res.status,
    });
  }
  return { status: res.status, envelope: envelope.data };
}

/** Business data checked against what we expect; anything else is a BAD_RESPONSE nobody should retry. */
export function validateAnswer<T extends z.ZodType>(carrier: CarrierName, schema: T, data: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw badResponse(carrier, `${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function badResponse(carrier: CarrierName, message: string): CarrierApiError {
  return new CarrierApiError({ carrier, code: 'BAD_RESPONSE', message, retryable: false });
}

export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
