import type { z } from 'zod';
import { InvalidPushError } from './errors';
import { parseJsonLossless } from './json';

/** Parses a push body (or an embedded JSON string) against a schema; any failure is an `InvalidPushError`. */
export function parsePushJson<S extends z.ZodType>(text: string, schema: S, what: string): z.output<S> {
  let json: unknown;
  try {
    json = parseJsonLossless(text);
  } catch {
    throw new InvalidPushError(`${what} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidPushError(`${what}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Relayed bodies may carry one message or a batch. */
export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
