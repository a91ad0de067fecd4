import type { CanonicalOrderInput } from '../../domain/order';
import type { Stack } from './stack';
import { eventually, uniq } from './stack';

/** A warehouse with stock of the given SKUs, created through the API. */
export async function seedWarehouse(
  stack: Stack,
  stock: Record<string, number>,
  place: { province: string; city: string; lat?: number; lng?: number } = { province: '浙江省', city: '杭州市', lat: 30.27, lng: 120.15 },
) {
  const id = uniq('WH');
  const created = await stack.call('POST', '/v1/warehouses', { id, name: `仓库 ${id}`, address: '余杭区仓前街道 1 号', ...place });
  if (created.status !== 201) throw new Error(`warehouse not created: ${JSON.stringify(created.body)}`);
  for (const [sku, onHand] of Object.entries(stock)) {
    const res = await stack.call('PUT', `/v1/inventory/${id}/${sku}`, { onHand });
    if (res.status !== 200) throw new Error(`stock not set: ${JSON.stringify(res.body)}`);
  }
  return id;
}

let phoneSeq = Math.floor(Math.random() * 50_000_000);
/**
 * A mobile number no other order of this run has: orders with one phone and one SKU set created within
 * minutes of each other are merged as duplicates, so unrelated test orders must not share a phone.
 */
export function aPhone(): string {
  const digits = String(phoneSeq++ % 100_000_000).padStart(8, '0');
  return `+86 139-${digits.slice(0, 4)}-${digits.slice(4)}`;
}

export function anOrder(overrides: Partial<CanonicalOrderInput> & { lines: CanonicalOrderInput['lines'] }): CanonicalOrderInput {
  return {
    channel: 'manual',
    channelOrderId: uniq('T'),
    createdAt: new Date().toISOString(),
    customer: { name: '张三', phone: aPhone() },
    shippingAddress: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 100 号' },
    ...overrides,
  };
}

export async function stockOf(stack: Stack, warehouseId: string, sku: string) {
  const res = await stack.call('GET', `/v1/inventory?warehouseId=${warehouseId}&sku=${sku}`);
  return res.body[0] as { onHand: number; reserved: number; available: number };
}

/** Polls the API until the order reaches one of the statuses; returns the order as the API shows it. */
export function orderInStatus(stack: Stack, orderId: string, statuses: string | readonly string[], timeoutMs = 45_000) {
  const wanted = typeof statuses === 'string' ? [statuses] : statuses;
  return eventually(
    async () => {
      const res = await stack.call('GET', `/v1/orders/${orderId}`);
      return wanted.includes(res.body?.status) ? res.body : undefined;
    },
    timeoutMs,
    `order ${orderId} to be ${wanted.join(' or ')}`,
  );
}
