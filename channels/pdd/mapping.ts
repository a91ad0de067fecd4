import type { MappingRuleSet } from '../../domain/mapping';

/** pdd.order.information.get → order_info. Times are Beijing time, money is yuan. */
export const pddMapping: MappingRuleSet = [
  { target: 'channel', default: 'pdd' },
  { target: 'channelOrderId', source: 'order_sn' },
  { target: 'createdAt', source: 'created_time', transform: 'beijingTimeToIso' },
  { target: 'paidAt', source: 'pay_time', transform: 'beijingTimeToIso' },
  { target: 'customer.name', source: 'receiver_name' },
  { target: 'customer.phone', source: 'receiver_phone' },
  { target: 'shippingAddress.province', source: 'province' },
  { target: 'shippingAddress.city', source: 'city' },
  // PDD's "town" is the district (区/县) level.
  { target: 'shippingAddress.district', source: 'town' },
  { target: 'shippingAddress.detail', source: 'address' },
  { target: 'buyerMessage', source: 'buyer_memo' },
  // `outer_id` is the merchant code of the SKU (outer_goods_id is the product's).
  { target: 'lines[].sku', source: 'item_list[].outer_id' },
  { target: 'lines[].quantity', source: 'item_list[].goods_count', transform: 'toInt' },
  { target: 'lines[].unitPriceFen', source: 'item_list[].goods_price', transform: 'yuanToFen' },
  { target: 'lines[].title', source: 'item_list[].goods_name' },
];
