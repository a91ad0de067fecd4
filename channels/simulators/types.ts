import type { Hono } from 'hono';
import type { Platform, PushKind, RawOrder } from '../types';
import type { OAuthSimulatorOptions, SimulatedOAuth } from './oauth';

export interface SimulatorOptions {
  appKey: string;
  appSecret: string;
  /** When set, API calls must carry exactly this token (WeChat: the token /cgi-bin/stable_token hands out). */
  accessToken?: string;
  /**
   * Serve the OAuth endpoints' tokens as the credential: API calls must then carry a token the simulator
   * issued (or `accessToken`), unexpired. Without it, issued tokens are accepted but not required.
   */
  oauth?: OAuthSimulatorOptions;
  /** How pushes name the shop; see StoreCredentials.shopId. Each simulator has a default. */
  shopId?: string;
  /** WeChat only: the token pushes are signed with. */
  pushToken?: string;
  /** SKU codes listed in the shop, so stock pushes for them succeed before any order mentions them. */
  skus?: string[];
  /** Makes generated orders repeatable. */
  seed?: number;
  /** The simulator's clock, for update times and push timestamps. */
  now?: () => Date;
}

export interface GenerateOrderOptions {
  /** SKU codes to pick lines from; defaults to the simulator's `skus`. */
  skus?: string[];
  province?: string;
  city?: string;
  district?: string;
  /** Default true. Unpaid orders have no pay time. */
  paid?: boolean;
  /** Creation time; defaults to the simulator clock. */
  at?: Date;
}

export interface PushSpec {
  kind: PushKind;
  channelOrderId: string;
  /** Defaults to the simulator clock. */
  at?: Date;
}

/** A push as the platform (or our relay) would send it: post `body` with these headers and query string. */
export interface SignedPush {
  headers: Record<string, string>;
  query: Record<string, string>;
  body: string;
}

export interface StockRecord {
  sku: string;
  quantity: number;
  /** When the platform took the update (epoch ms). */
  at: number;
}

export interface TrackingRecord {
  channelOrderId: string;
  /** The platform's carrier code, e.g. "SF" or PDD's numeric logistics_id. */
  company: string;
  waybillNo: string;
}

/** A refund the shop agreed through the API (the platform pays the buyer back). */
export interface RefundRecord {
  channelOrderId: string;
  refundId: string;
  amountFen: number;
}

export interface ChannelSimulator<TOrder extends RawOrder = RawOrder> {
  readonly platform: Platform;
  readonly app: Hono;
  /** Stores (or replaces) an order and lists its SKUs. */
  addOrder(raw: TOrder): TOrder;
  /** Shallow-merges `patch` and bumps the order's modified time, as a change on the platform would. */
  updateOrder(channelOrderId: string, patch: Partial<TOrder>): TOrder;
  /** A new order in the platform's own format; not stored until passed to `addOrder`. */
  generateOrder(opts?: GenerateOrderOptions): TOrder;
  getOrder(channelOrderId: string): TOrder | undefined;
  idOf(order: TOrder): string;
  /** Throws when the platform has no push for that kind (e.g. PDD "created"). Refund pushes carry the open refund's id. */
  signedPush(spec: PushSpec): SignedPush;
  /**
   * The buyer asks for a refund / return on the platform: the order shows an open refund (as the platform's
   * order API reports it) and its modified time moves. Returns the platform's refund id.
   */
  requestRefund(channelOrderId: string): string;
  /** Every accepted stock update, in order. */
  readonly stockPushes: StockRecord[];
  /** Every accepted tracking write-back, in order. */
  readonly trackingWrites: TrackingRecord[];
  /** Every refund agreed through the API, in order. */
  readonly refundWrites: RefundRecord[];
  /** The seller changes the SKU's listed price (fen) in the back office; the item API reports it from now on. */
  setItemPrice(sku: string, priceFen: number): void;
  /** The seller moves the SKU to a new listing in the back office: new item and SKU ids, the old ones gone. */
  relistSku(sku: string): void;
  /** The authorization server: issued tokens, grants, test helpers to expire or revoke them. */
  readonly oauth: SimulatedOAuth;
}
