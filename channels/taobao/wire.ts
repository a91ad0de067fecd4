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
  orders: z.looseObject({ order: z.array(z.looseObject({ refund_status: z.string().optional() })) }).optional(),
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

export const tmcContentSchema = z.looseObject({ tid: id });
