/** The parts of TOP responses and TMC messages we rely on; everything else passes through untouched. */
import { z } from 'zod';

/** Ids are numbers on the wire, or strings once `parseJsonLossless` rescued a big one. */
const id = z.union([z.string(), z.number()]);

export const topErrorEnvelope = z.object({
  error_response: z.object({
    code: z.union([z.number(), z.string()]),
    msg: z.string(),
    sub_code: z.string().optional(),
    sub_msg: z.string().optional(),
  }),
});

export const tradeSchema = z.looseObject({
  tid: id,
  tid_str: z.string().optional(),
  status: z.string(),
  modified: z.string().optional(),
  orders: z.looseObject({ order: z.array(z.looseObject({ refund_status: z.string().optional(), refund_id: id.optional() })) }).optional(),
});

export const fullinfoResponse = z.object({
  trade_fullinfo_get_response: z.object({ trade: tradeSchema }),
});

export const incrementResponse = z.object({
  trades_sold_increment_get_response: z.object({
    total_results: z.number().optional(),
    has_next: z.boolean().optional(),
    // TOP leaves the wrapper out entirely when the page is empty.
    trades: z.object({ trade: z.array(tradeSchema) }).optional(),
  }),
});

export const skusCustomResponse = z.object({
  skus_custom_get_response: z.object({
    skus: z.object({ sku: z.array(z.looseObject({ sku_id: id, num_iid: id })) }).optional(),
  }),
});

export const quantityUpdateResponse = z.object({
  item_quantity_update_response: z.object({ item: z.looseObject({ num_iid: id }) }),
});

export const offlineSendResponse = z.object({
  logistics_offline_send_response: z.object({ shipping: z.object({ is_success: z.boolean() }) }),
});

/** taobao.refund.get: the refund's version and phase are what taobao.rp.refunds.agree must quote back. */
export const refundGetResponse = z.object({
  refund_get_response: z.object({
    refund: z.looseObject({
      refund_id: id,
      tid: id,
      status: z.string(),
      refund_fee: z.string().optional(),
      // Epoch milliseconds of the refund's last change; TOP refuses an agree quoting an older one.
      refund_version: id,
      // onsale / aftersale: Tmall requires it in refund_infos, Taobao ignores it.
      refund_phase: z.string().optional(),
    }),
  }),
});

/** taobao.rp.refunds.agree is a batch call: each refund's own verdict is in `results`, even when the call succeeds. */
export const refundsAgreeResponse = z.object({
  rp_refunds_agree_response: z.looseObject({
    succ: z.boolean().optional(),
    msg: z.string().optional(),
    results: z
      .object({ refund_mapping_result: z.array(z.looseObject({ refund_id: id, succ: z.boolean(), message: z.string().optional() })) })
      .optional(),
  }),
});

/** One TMC message; `content` is itself JSON text. */
export const tmcMessageSchema = z.object({
  id,
  topic: z.string(),
  pub_time: z.string(),
  pub_app_key: z.string().optional(),
  user_id: id.optional(),
  user_nick: z.string().optional(),
  content: z.string(),
});

/** Refund topics also carry `refund_id`, `oid` and `refund_fee` (yuan). */
export const tmcContentSchema = z.looseObject({ tid: id, refund_id: id.optional() });
