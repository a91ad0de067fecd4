import type { Platform } from './types';

/** A platform API call failed: the platform said no, or we could not reach or understand it. */
export class ChannelApiError extends Error {
  override readonly name = 'ChannelApiError';
  readonly platform: Platform;
  /** The API method, e.g. "taobao.trade.fullinfo.get" or "/channels/ec/order/get". */
  readonly method: string;
  /** The platform's error code, or NETWORK / HTTP_<status> / INVALID_RESPONSE / SKU_NOT_LISTED. */
  readonly code: string;
  readonly subCode: string | undefined;
  /** True when trying again later may succeed (network trouble, 5xx, expired token). */
  readonly retryable: boolean;

  constructor(opts: {
    platform: Platform;
    method: string;
    code: string | number;
    message: string;
    subCode?: string | undefined;
    retryable?: boolean;
    cause?: unknown;
  }) {
    super(`${opts.platform} ${opts.method} failed: [${opts.code}${opts.subCode ? ` ${opts.subCode}` : ''}] ${opts.message}`, {
      cause: opts.cause,
    });
    this.platform = opts.platform;
    this.method = opts.method;
    this.code = String(opts.code);
    this.subCode = opts.subCode;
    this.retryable = opts.retryable ?? false;
  }
}

/** Refund calls pay money out: anything but a positive whole number of fen is refused before the call. */
export function checkRefundAmount(platform: Platform, method: string, amountFen: number): void {
  if (!Number.isInteger(amountFen) || amountFen <= 0) {
    throw new ChannelApiError({ platform, method, code: 'INVALID_AMOUNT', message: `refund amount must be a positive number of fen, got ${amountFen}` });
  }
}

/** A push body we cannot read. Answer 400: the platform should not count it as delivered. */
export class InvalidPushError extends Error {
  override readonly name = 'InvalidPushError';
}
