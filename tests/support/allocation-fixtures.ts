/** Places, warehouses and orders for the allocation tests (distances: 上海–苏州 ≈ 85 km, 上海–杭州 ≈ 165 km, 上海–北京 ≈ 1067 km). */
import { anOrder, seedWarehouse } from './fixtures';
import { eventually, uniq, type Stack } from './stack';

export const PLACES = {
  shanghai: { province: '上海市', city: '上海市' },
  suzhou: { province: '江苏省', city: '苏州市' },
  hangzhou: { province: '浙江省', city: '杭州市' },
  beijing: { province: '北京市', city: '北京市' },
} as const;
export type Place = keyof typeof PLACES;

/** A warehouse in a city (coordinates filled in by the API from the city), with stock rows for the SKUs. */
export function warehouseIn(stack: Stack, place: Place, stock: Record<string, number>): Promise<string> {
  return seedWarehouse(stack, stock, PLACES[place]);
}

/** Posts a paid order to a receiver in `place`; resolves to its order id. */
export async function paidOrder(
  stack: Stack,
  place: Place,
  lines: Record<string, number>,
  extra: { urgent?: boolean; createdAt?: string } = {},
): Promise<string> {
  const res = await stack.call(
    'POST',
    '/v1/orders',
    anOrder({
      paidAt: new Date().toISOString(),
      ...extra,
      lines: Object.entries(lines).map(([sku, quantity]) => ({ sku, quantity, unitPriceFen: 1000 })),
      shippingAddress: { ...PLACES[place], district: '', detail: '测试路 1 号' },
    }),
  );
  if (res.status !== 202) throw new Error(`order not accepted: ${JSON.stringify(res.body)}`);
  return res.body.orderId as string;
}

/** The order (as GET /v1/orders/:orderId shows it) once it is in one of the statuses. */
export function orderIn(stack: Stack, orderId: string, ...statuses: string[]): Promise<any> {
  return eventually(
    async () => {
      const res = await stack.call('GET', `/v1/orders/${orderId}`);
      return statuses.includes(res.body?.status) ? res.body : undefined;
    },
    60_000,
    `order ${orderId} to be ${statuses.join(' or ')}`,
  );
}

/** Timeline event of a type (the first), or undefined. */
export function eventOf(order: { timeline: { type: string; detail?: Record<string, unknown> }[] }, type: string) {
  return order.timeline.find((e) => e.type === type);
}

export const skuId = (name: string) => uniq(`${name}-`);
