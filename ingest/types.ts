/**
 * The ingest pipeline's entry shape. Webhook pushes, the 5-minute polls and dead-letter replays all hand
 * orders to the pipeline as IngestEntry values; the pipeline (Redis stream buffer, or direct without Redis)
 * maps them to canonical orders and starts or signals the order workflows. Ingestion is idempotent: the same
 * entry twice is one order.
 */
import type { Platform, PushKind, RawOrder } from '../channels/types';

export interface IngestEntry {
  source: 'push' | 'poll' | 'replay';
  platform: Platform;
  storeId: string;
  /** The platform's order id, exactly as the platform's mapping produces it (`sim.idOf`, Taobao `tid_str`). */
  channelOrderId: string;
  /** What the platform said happened (pushes); polls carry the full order instead and let its status speak. */
  kind?: PushKind | undefined;
  /** The platform's order JSON when already fetched (polls); otherwise the pipeline fetches it. */
  raw?: RawOrder | undefined;
  /** Platform message id, for replay protection and tracing. */
  messageId?: string | undefined;
  /** Refund pushes: the platform's refund / after-sale id, kept to agree the refund once the goods are back. */
  refundId?: string | undefined;
  receivedAt: string;
}

export interface IngestPipeline {
  /** Durably accepts entries (appended to the buffer); resolves once safe. */
  enqueue(entries: IngestEntry[]): Promise<void>;
}
