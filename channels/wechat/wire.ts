/** The parts of WeChat Channels shop responses and pushes we rely on; everything else passes through untouched. */
import { z } from 'zod';

const id = z.union([z.string(), z.number()]);

export const wechatErrorFields = z.looseObject({ errcode: z.number().optional(), errmsg: z.string().optional() });

export const tokenResponse = z.object({ access_token: z.string(), expires_in: z.number() });

export const wechatOrderSchema = z.looseObject({
  order_id: id,
  status: z.number(),
  update_time: z.number().optional(),
  order_detail: z.looseObject({
    product_infos: z.array(z.looseObject({ product_id: id, sku_id: id, sku_cnt: z.number() })),
  }),
  aftersale_detail: z
    .looseObject({
      on_aftersale_order_cnt: z.number().optional(),
      aftersale_order_list: z.array(z.looseObject({ aftersale_order_id: id })).optional(),
    })
    .optional(),
});

export const orderGetResponse = z.object({ order: wechatOrderSchema });

export const orderListResponse = z.object({
  order_id_list: z.array(id),
  next_key: z.string().optional(),
  has_more: z.boolean(),
});

export const productListResponse = z.object({
  product_ids: z.array(id),
  next_key: z.string().optional(),
});

export const productGetResponse = z.object({
  product: z.looseObject({
    product_id: id,
    skus: z.array(z.looseObject({ sku_id: id, sku_code: z.string().optional() })),
  }),
});

export const wechatPushSchema = z.looseObject({
  ToUserName: z.string(),
  FromUserName: z.string(),
  CreateTime: z.number(),
  MsgType: z.string(),
  Event: z.string().optional(),
  order_info: z.looseObject({ order_id: id }).optional(),
  // After-sale events name the order here instead of in order_info.
  finder_shop_aftersale_status_update: z.looseObject({ order_id: id, after_sale_order_id: id.optional() }).optional(),
});
