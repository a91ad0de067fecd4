import type { MappingRuleSet } from '../../domain/mapping';

/** /channels/ec/order/get → order. Times are unix seconds, money is fen. */
export const wechatMapping: MappingRuleSet = [
  { target: 'channel', default: 'wechat' },
  { target: 'channelOrderId', source: 'order_id' },
  { target: 'createdAt', source: 'create_time', transform: 'unixSecondsToIso' },
  { target: 'paidAt', source: 'order_detail.pay_info.pay_time', transform: 'unixSecondsToIso' },
  { target: 'customer.name', source: 'order_detail.delivery_info.address_info.user_name' },
  { target: 'customer.phone', source: 'order_detail.delivery_info.address_info.tel_number' },
  { target: 'shippingAddress.province', source: 'order_detail.delivery_info.address_info.province_name' },
  { target: 'shippingAddress.city', source: 'order_detail.delivery_info.address_info.city_name' },
  { target: 'shippingAddress.district', source: 'order_detail.delivery_info.address_info.county_name' },
  { target: 'shippingAddress.detail', source: 'order_detail.delivery_info.address_info.detail_info' },
  { target: 'shippingAddress.postalCode', source: 'order_detail.delivery_info.address_info.postal_code' },
  { target: 'buyerMessage', source: 'order_detail.ext_info.customer_notes' },
  { target: 'lines[].sku', source: 'order_detail.product_infos[].sku_code' },
  { target: 'lines[].quantity', source: 'order_detail.product_infos[].sku_cnt', transform: 'toInt' },
  // sale_price is the unit price; real_price is what was paid for the whole line after discounts.
  { target: 'lines[].unitPriceFen', source: 'order_detail.product_infos[].sale_price', transform: 'toInt' },
  { target: 'lines[].title', source: 'order_detail.product_infos[].title' },
];
