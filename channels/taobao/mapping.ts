import type { MappingRule, MappingRuleSet } from '../../domain/mapping';

/** Taobao and Tmall trades share one shape (taobao.trade.fullinfo.get); only the channel differs. */
function tradeRules(channel: 'taobao' | 'tmall'): MappingRuleSet {
  const rules: MappingRule[] = [
    { target: 'channel', default: channel },
    // `tid` is a 19-digit number that JSON parsers round; `tid_str` is the exact id.
    { target: 'channelOrderId', source: 'tid_str' },
    { target: 'createdAt', source: 'created', transform: 'beijingTimeToIso' },
    { target: 'paidAt', source: 'pay_time', transform: 'beijingTimeToIso' },
    { target: 'customer.name', source: 'receiver_name' },
    { target: 'customer.phone', source: 'receiver_mobile' },
    { target: 'shippingAddress.province', source: 'receiver_state' },
    { target: 'shippingAddress.city', source: 'receiver_city' },
    { target: 'shippingAddress.district', source: 'receiver_district' },
    { target: 'shippingAddress.detail', sources: ['receiver_town', 'receiver_address'], transform: 'join' },
    { target: 'shippingAddress.postalCode', source: 'receiver_zip' },
    { target: 'buyerMessage', source: 'buyer_message' },
    { target: 'lines[].sku', source: 'orders.order[].outer_sku_id' },
    { target: 'lines[].quantity', source: 'orders.order[].num', transform: 'toInt' },
    { target: 'lines[].unitPriceFen', source: 'orders.order[].price', transform: 'yuanToFen' },
    { target: 'lines[].title', source: 'orders.order[].title' },
  ];
  return rules;
}

export const taobaoMapping = tradeRules('taobao');
export const tmallMapping = tradeRules('tmall');
