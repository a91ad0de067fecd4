/** The parts of Douyin responses and pushes we rely on; everything else passes through untouched. */
import { z } from 'zod';

const id = z.union([z.string(), z.number()]);

export const douyinEnvelope = z.object({
  code: z.number(),
  msg: z.string(),
  sub_code: z.string().optional(),
  sub_msg: z.string().optional(),
  log_id: z.string().optional(),
  data: z.unknown(),
});

export const douyinOrderSchema = z.looseObject({
  order_id: z.string(),
  order_status: z.number(),
  update_time: z.number().optional(),
  sku_order_list: z
    .array(
      z.looseObject({
        after_sale_info: z.looseObject({ refund_status: z.number().optional(), after_sale_id: id.optional() }).optional(),
      }),
    )
    .optional(),
});

export const searchListData = z.object({
  shop_order_list: z.array(douyinOrderSchema),
  total: z.number(),
});

export const orderDetailData = z.object({ shop_order_detail: douyinOrderSchema });

/** One webhook message; the body is an array of these. `data` is itself JSON text. */
export const douyinMessageSchema = z.object({
  tag: z.string(),
  msg_id: z.string(),
  data: z.string(),
});

/** After-sale messages (tags 2xx) also name the after-sale; like p_id it is a 19-digit id. */
export const douyinMessageData = z.looseObject({ p_id: id, shop_id: id.optional(), aftersale_id: id.optional() });

/** afterSale.operate answers per after-sale: status_code 0 is done, anything else names why not. */
export const afterSaleOperateData = z.object({
  items: z.array(z.looseObject({ aftersale_id: id.optional(), status_code: z.number(), status_msg: z.string().optional() })),
});
