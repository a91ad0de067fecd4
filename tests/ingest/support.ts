/**
 * Channel ingest helpers for the e2e tests: a platform simulator with a store connected to it through the API,
 * and signed pushes posted to the webhook exactly as the platform (or our TMC/PDD relay) would.
 */
import { startSimulator, type ChannelSimulator, type RunningSimulator, type SignedPush } from '../../channels/simulators';
import type { Platform, PushKind, RawOrder } from '../../channels/types';
import { orderIdOf } from '../../domain/order';
import type { Stack } from '../support/stack';

let shopSeq = 0;
/** Numeric and unique per run (Douyin, Taobao and PDD name shops by number); WeChat shops are `gh_…`. */
export function aShopId(platform: Platform): string {
  const n = Date.now() * 100 + (shopSeq++ % 100);
  return platform === 'wechat' ? `gh_${n.toString(16)}` : String(n);
}

export interface ConnectedShop {
  platform: Platform;
  storeId: string;
  shopId: string;
  running: RunningSimulator;
  sim: ChannelSimulator;
  credentials: { appKey: string; appSecret: string; pushToken: string };
  /** Generates and stores an order on the platform. */
  addOrder(opts?: Parameters<ChannelSimulator['generateOrder']>[0]): { channelOrderId: string; orderId: string; raw: RawOrder };
  push(kind: PushKind, channelOrderId: string): SignedPush;
  close(): Promise<void>;
}

/** Starts the platform's simulator and connects a store for it through `POST /v1/stores`. */
export async function connectShop(
  stack: Stack,
  platform: Platform,
  opts: { skus?: string[]; now?: () => Date; /** Store the shop with this gateway instead of the simulator's. */ baseUrl?: string } = {},
): Promise<ConnectedShop> {
  const shopId = aShopId(platform);
  const credentials = { appKey: `${platform}-key-${shopId}`, appSecret: `${platform}-secret-${shopId}`, pushToken: `${platform}-token-${shopId}` };
  const running = await startSimulator(platform, {
    ...credentials,
    shopId,
    skus: opts.skus ?? ['SKU-TEE-M', 'SKU-CUP-500', 'SKU-TEA-250'],
    // Ids come from the seed: a seed of its own per shop, so tests sharing the database never share an order.
    seed: Math.floor(Math.random() * 2 ** 31),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const res = await stack.call('POST', '/v1/stores', { platform, shopId, ...credentials, baseUrl: opts.baseUrl ?? running.baseUrl });
  if (res.status !== 201) throw new Error(`store not connected: ${JSON.stringify(res.body)}`);
  const channel = platform;
  return {
    platform,
    storeId: res.body.storeId,
    shopId,
    running,
    sim: running.sim,
    credentials,
    addOrder(generate) {
      const raw = running.sim.addOrder(running.sim.generateOrder({ province: '浙江省', city: '杭州市', district: '西湖区', ...generate }));
      const channelOrderId = running.sim.idOf(raw);
      return { channelOrderId, orderId: orderIdOf(channel, channelOrderId), raw: JSON.parse(JSON.stringify(raw)) as RawOrder };
    },
    push: (kind, channelOrderId) => running.sim.signedPush({ kind, channelOrderId }),
    close: () => running.close(),
  };
}

/** Posts a signed push to `/v1/webhooks/:platform` through the app; returns status, content type and body text. */
export async function postPush(stack: Stack, platform: Platform, push: SignedPush) {
  const query = new URLSearchParams(push.query).toString();
  const res = await stack.app.request(`/v1/webhooks/${platform}${query ? `?${query}` : ''}`, { method: 'POST', headers: push.headers, body: push.body });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The platform's documented success answer. */
export const SUCCESS_ACK: Readonly<Record<Platform, { contentType: string; text: string }>> = {
  taobao: { contentType: 'application/json', text: '{"success":true}' },
  tmall: { contentType: 'application/json', text: '{"success":true}' },
  pdd: { contentType: 'application/json', text: '{"success":true}' },
  douyin: { contentType: 'application/json', text: '{"code":0,"msg":"success"}' },
  wechat: { contentType: 'text/plain', text: 'success' },
};
