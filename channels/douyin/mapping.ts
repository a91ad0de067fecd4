import type { MappingRuleSet } from '../../domain/mapping';

/** order.orderDetail → shop_order_detail. Times are unix seconds, money is fen. */
export const douyinMapping: MappingRuleSet = [
  { target: 'channel', default: 'douyin' },
  { target: 'channelOrderId', source: 'order_id' },
  { target: 'createdAt', source: 'create_time', transform: 'unixSecondsToIso' },
  { target: 'paidAt', source: 'pay_time', transform: 'unixSecondsToIso' },
  { target: 'customer.name', source: 'post_receiver' },
  { target: 'customer.phone', source: 'post_tel' },
  { target: 'shippingAddress.province', source: 'post_addr.province.name' },
  { target: 'shippingAddress.city', source: 'post_addr.city.name' },
  // Douyin's "town" is the district (区/县) level; "street" is the 街道 below it.
  { target: 'shippingAddress.district', source: 'post_addr.town.name' },
  { target: 'shippingAddress.detail', sources: ['post_addr.street.name', 'post_addr.detail'], transform: 'join' },
  { target: 'buyerMessage', source: 'buyer_words' },
  { target: 'lines[].sku', source: 'sku_order_list[].code' },
  { target: 'lines[].quantity', source: 'sku_order_list[].item_num', transform: 'toInt' },
  // origin_amount is the unit list price; pay_amount is what was paid for the whole line.
  { target: 'lines[].unitPriceFen', source: 'sku_order_list[].origin_amount', transform: 'toInt' },
  { target: 'lines[].title', source: 'sku_order_list[].product_name' },
];
