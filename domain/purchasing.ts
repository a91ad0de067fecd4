/**
 * Why a 1688 purchase was not placed, as stored on the purchase row (`error`, text `CODE: message`) and
 * answered to the workflow (`{ code, message }`). One codec, so the two never drift apart.
 */
export interface PurchaseError {
  /** 1688's error code, or ours: NOT_CONFIGURED, INTERRUPTED, UNKNOWN. */
  code: string;
  message: string;
}

export function formatPurchaseError(error: PurchaseError): string {
  return `${error.code}: ${error.message}`;
}

/** The stored text back as code and message; a row without one reads as UNKNOWN. */
export function parsePurchaseError(stored: string | null | undefined): PurchaseError {
  if (!stored) return { code: 'UNKNOWN', message: 'no detail' };
  const at = stored.indexOf(': ');
  if (at < 0) return { code: stored, message: '' };
  return { code: stored.slice(0, at), message: stored.slice(at + 2) };
}

/** A cargo line 1688 could not order (sold out, spec gone) while the rest of the purchase was ordered. */
export interface FailedOffer {
  offerId: string;
  specId: string | undefined;
  code: string | undefined;
  message: string | undefined;
}
