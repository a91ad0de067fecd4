import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidPushError } from './errors';
import type { CarrierEvent, CarrierName } from './types';

/**
 * Where a push keeps its signature. Relays put it in headers or in the query string, so verifiers look in
 * both. Pass whatever the HTTP framework hands out, e.g. in Hono `{ headers: c.req.raw.headers, query: c.req.query() }`.
 */
export interface PushRequestMeta {
  headers?: Headers | Record<string, string | string[] | undefined>;
  query?: URLSearchParams | Record<string, string | undefined>;
}

/** The answer the webhook sends back: the carrier retries until it sees its own "ok" envelope. */
export interface PushReply {
  status: 200 | 400 | 401;
  body: Record<string, unknown>;
}

/** Everything the webhook route needs for one carrier, so it can stay carrier-agnostic. */
export interface CarrierPush {
  readonly carrier: CarrierName;
  /** True only when the push was signed with `secret` (SF: checkword, JD: appSecret). Verify before parsing. */
  verify(rawBody: string, meta: PushRequestMeta, secret: string): boolean;
  /** The normalised events; throws InvalidPushError when the body is not in the carrier's format. */
  parse(rawBody: string): CarrierEvent[];
  /** "Received, stop retrying." */
  ack(): PushReply;
  /** "Rejected": 401 for a bad signature, 400 for a malformed body. */
  nack(status: 400 | 401, reason: string): PushReply;
}

/** Header (case-insensitive) first, then query string. */
export function pushParam(meta: PushRequestMeta, name: string): string | undefined {
  const fromHeader = readHeader(meta.headers, name);
  if (fromHeader !== undefined) return fromHeader;
  const query = meta.query;
  if (!query) return undefined;
  if (query instanceof URLSearchParams) return query.get(name) ?? undefined;
  return query[name];
}

function readHeader(headers: PushRequestMeta['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Constant-time comparison, so a forger cannot learn the signature byte by byte from response times. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The push body as `schema` reads it; anything else is an InvalidPushError naming the carrier (`label`). */
export function readPushBody<T extends z.ZodType>(label: string, rawBody: string, schema: T): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new InvalidPushError(`${label} push body is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidPushError(`${label} push: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
