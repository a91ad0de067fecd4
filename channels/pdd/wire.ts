/** The parts of PDD responses and messages we rely on; everything else passes through untouched. */
import { z } from 'zod';

const id = z.union([z.string(), z.number()]);

export const pddErrorEnvelope = z.object({
  error_response: z.object({
    error_code: z.union([z.number(), z.string()]),
    error_msg: z.string(),
    sub_code: z.union([z.string(), z.number()]).optional(),
    sub_msg: z.string().optional(),
  }),
});

export const pddOrderSchema = z.looseObject({
  order_sn: z.string(),
  order_status: z.number(),
  refund_status: z.number().optional(),
  updated_at: z.string().optional(),
});

export const orderInfoResponse = z.object({
  order_info_get_response: z.object({ order_info: pddOrderSchema }),
});

/** Despite the name, `order_sn_list` holds whole orders. */
export const incrementResponse = z.object({
  order_sn_increment_get_response: z.object({
    order_sn_list: z.array(pddOrderSchema),
    total_count: z.number(),
    has_next: z.boolean().optional(),
  }),
});

export const goodsListResponse = z.object({
  goods_list_get_response: z.object({
    goods_list: z.array(
      z.looseObject({ goods_id: id, sku_list: z.array(z.looseObject({ sku_id: id, outer_id: z.string().optional() })) }),
    ),
    total_count: z.number(),
  }),
});

export const quantityUpdateResponse = z.object({
  goods_quantity_update_response: z.object({ is_success: z.boolean() }),
});

export const onlineSendResponse = z.object({
  logistics_online_send_response: z.object({ is_success: z.boolean() }),
});

/** pdd.refund.agree answers per after-sale: `succ`, and in `message` why not when it refused. */
export const refundAgreeResponse = z.object({
  response: z.object({ result: z.object({ succ: z.boolean(), message: z.string().optional() }) }),
});

/** One message from PDD's message service; `message.content` is itself JSON text. */
export const pddMessageSchema = z.object({
  id,
  commandType: z.string(),
  sendTime: z.number(),
  message: z.object({ type: z.string(), mallID: id, content: z.string() }),
});

/** Refund messages also carry the after-sale's `refund_id`. */
export const pddContentSchema = z.looseObject({ tid: id, refund_id: id.optional() });
