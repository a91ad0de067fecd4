import type { CarrierName } from './types';

/**
 * A carrier call that did not produce a usable answer. `retryable` tells the activity whether trying again
 * later can help (network trouble, gateway overload) or a human has to look (bad credentials, rejected data).
 */
export class CarrierApiError extends Error {
  override readonly name = 'CarrierApiError';
  readonly carrier: CarrierName;
  /** The carrier's code (e.g. SF "A1006", JD "1004"), or one of ours: NETWORK, TIMEOUT, HTTP_<status>, BAD_RESPONSE. */
  readonly code: string;
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;

  constructor(opts: { carrier: CarrierName; code: string; message: string; retryable: boolean; httpStatus?: number }) {
    // Carrier messages sometimes echo the request ("收件人电话1381234xxxx格式错误"); errors end up in logs.
    super(`${opts.carrier} ${opts.code}: ${redact(opts.message)}`);
    this.carrier = opts.carrier;
    this.code = opts.code;
    this.retryable = opts.retryable;
    this.httpStatus = opts.httpStatus;
  }
}

/** A push body that is not in the carrier's format. The webhook should answer 400 and let the carrier retry or give up. */
export class InvalidPushError extends Error {
  override readonly name = 'InvalidPushError';
}

const MAINLAND_MOBILE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;

/** Masks mainland mobile numbers ("13812345678" → "138****5678"). Waybill numbers are prefixed by letters and survive. */
export function redact(text: string): string {
  return text.replace(MAINLAND_MOBILE, '$1****$2');
}
