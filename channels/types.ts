/**
 * The one shape every sales platform is driven through. Ingest, stock sync and shipping code talk to a
 * `ChannelAdapter`; each platform folder translates it to that platform's wire format.
 */
import type { MappingRuleSet } from '../domain/mapping';

/** `tmall` stores use Taobao's gateway and push format; only the mapped `channel` differs. */
export const PLATFORMS = ['taobao', 'tmall', 'pdd', 'douyin', 'wechat'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** One shop's API access. Secrets: never log this object. */
export interface StoreCredentials {
  storeId: string;
  platform: Platform;
  /**
   * How the platform names the shop in pushes: Taobao seller user id (TMC `user_id`), PDD `mallID`,
   * Douyin `shop_id`, WeChat the shop's original id (`ToUserName`, gh_…).
   */
  shopId: string;
  /** Taobao app_key, PDD client_id, Douyin app_key, WeChat appid. */
  appKey: string;
  appSecret: string;
  /** Taobao session, PDD/Douyin access_token. WeChat fetches its own token from appKey + appSecret when absent. */
  accessToken?: string;
  /** Overrides the production gateway, e.g. a simulator's URL. */
  baseUrl?: string;
  /** WeChat only: the token configured for message push. */
  pushToken?: string;
}

/** An incoming webhook as the HTTP layer received it. `rawBody` must be the exact bytes: signatures cover them. */
export interface PushRequest {
  headers: Readonly<Record<string, string | undefined>>;
  query: Readonly<Record<string, string | undefined>>;
  rawBody: string;
}

export type PushVerdict = { ok: true } | { ok: false; reason: string };

export const PUSH_KINDS = ['created', 'paid', 'cancelled', 'shipped', 'completed', 'refund_requested', 'refunded'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/** A push says "order X changed"; the order itself is fetched with `fetchOrder`. */
export interface PushEvent {
  platform: Platform;
  /** The platform's message id, for de-duplicating redeliveries. */
  messageId: string;
  shopId?: string;
  channelOrderId: string;
  kind: PushKind;
  /** ISO 8601. */
  occurredAt: string;
  /** Refund pushes: the platform's refund / after-sale id, needed later to agree the refund. */
  refundId?: string;
}

/** What to answer the platform so it stops redelivering. */
export interface PushAck {
  status: number;
  contentType: string;
  body: string;
}

/** A platform order exactly as the platform's API returned it (big integer ids arrive as strings). */
export type RawOrder = Record<string, unknown>;

export interface TimeWindow {
  from: Date;
  to: Date;
}

export type Carrier = 'sf' | 'jd';

export interface StockUpdate {
  /** Our (merchant) SKU code, as in canonical order lines. */
  sku: string;
  available: number;
}

export interface TrackingUpdate {
  channelOrderId: string;
  carrier: Carrier;
  waybillNo: string;
}

/** Agreeing a platform refund once the returned goods are in: the platform then pays the buyer back. */
export interface RefundWrite {
  channelOrderId: string;
  /** The platform's refund / after-sale id (Taobao refund_id, PDD after-sales id, Douyin aftersale_id, WeChat after_sale_order_id). */
  refundId: string;
  /** What the OMS owes for the received units, integer fen. */
  amountFen: number;
}

/** The platform's view of an order, coarse enough to compare across platforms. */
export const PLATFORM_STATUSES = ['unpaid', 'paid', 'cancelled', 'shipped', 'completed', 'refund_requested'] as const;
export type PlatformStatus = (typeof PLATFORM_STATUSES)[number];

export interface ChannelAdapter {
  readonly platform: Platform;
  /** Default field mapping from this platform's order JSON to the canonical order. */
  readonly mapping: MappingRuleSet;
  /** Checks the push signature and freshness with the store's secret. Never throws. */
  verifyPush(req: PushRequest, store: StoreCredentials, now: Date): PushVerdict;
  /** Throws `InvalidPushError` on a malformed body; messages about things we do not track are skipped. */
  parsePush(rawBody: string): PushEvent[];
  pushAck(): PushAck;
  fetchOrder(store: StoreCredentials, channelOrderId: string): Promise<RawOrder>;
  /** Orders modified within the window, oldest first per platform window; the window is split to the platform's limit. */
  listChangedOrders(store: StoreCredentials, window: TimeWindow): AsyncIterable<RawOrder>;
  pushStock(store: StoreCredentials, update: StockUpdate): Promise<void>;
  writeTracking(store: StoreCredentials, update: TrackingUpdate): Promise<void>;
  /**
   * Agrees the refund on the platform; returns the platform's reference for it. A refund the platform no
   * longer accepts (closed, unknown id, amount above what was paid) throws a non-retryable ChannelApiError.
   */
  writeRefund(store: StoreCredentials, refund: RefundWrite): Promise<{ reference: string }>;
  /**
   * The SKU's listed (selling) price on this shop, integer fen, read from the platform's item API; undefined when
   * the shop does not list it. Several listings with the code: the lowest price (what a comparing buyer finds).
   */
  itemPrice?(store: StoreCredentials, sku: string): Promise<number | undefined>;
  statusOf(raw: RawOrder): PlatformStatus;
  /** The open refund's id when the order JSON carries one (polled orders have no push to read it from). */
  refundIdOf(raw: RawOrder): string | undefined;
}

/** Header lookup that does not care how the HTTP layer cased the names. */
export function headerOf(req: PushRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
