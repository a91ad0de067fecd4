/** The stream's wire form of an `IngestEntry`: checked when read back, since anything can sit in Redis. */
import { z } from 'zod';
import { PLATFORMS, PUSH_KINDS } from '../channels/types';
import type { IngestEntry } from './types';

export const ingestEntrySchema = z.object({
  source: z.enum(['push', 'poll', 'replay']),
  platform: z.enum(PLATFORMS),
  storeId: z.string().min(1),
  channelOrderId: z.string().min(1),
  kind: z.enum(PUSH_KINDS).optional(),
  raw: z.record(z.string(), z.unknown()).optional(),
  messageId: z.string().optional(),
  refundId: z.string().max(64).optional(),
  receivedAt: z.string(),
}) satisfies z.ZodType<IngestEntry>;

export type ReadEntry = { ok: true; entry: IngestEntry } | { ok: false; message: string; partial: Partial<IngestEntry> };

export function readEntry(text: string | undefined): ReadEntry {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    return { ok: false, message: 'entry is not JSON', partial: {} };
  }
  const parsed = ingestEntrySchema.safeParse(json);
  if (parsed.success) return { ok: true, entry: parsed.data };
  const first = parsed.error.issues[0];
  // Only what is safe to record: the text fields that name the order, for the dead letter.
  const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const field = (key: string) => (typeof record[key] === 'string' ? { [key]: record[key] } : {});
  const partial = { ...field('platform'), ...field('storeId'), ...field('channelOrderId'), ...field('messageId') } as Partial<IngestEntry>;
  return { ok: false, message: `unreadable entry: ${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}`, partial };
}
