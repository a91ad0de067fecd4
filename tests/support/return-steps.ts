/**
 * The timeline a return leaves when the carrier picks it up and delivers it to the warehouse: request to
 * RETURNED, the same whether the workflow runs over fake activities or on the real stack.
 */
export const CARRIED_BACK_RETURN_STEPS = [
  'RETURN_REQUESTED',
  'RETURN_WAYBILL_CREATED',
  'RETURN_CARRIER_UPDATE',
  'RETURN_RECEIVED',
  'STOCK_RETURNED',
  'PURCHASING_NOTIFIED',
  'REFUND_RECORDED',
  'REFUND_WRITE_BACK',
  'RETURNED',
] as const;
