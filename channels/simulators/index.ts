/**
 * Local platform simulators: Hono apps speaking each platform's wire format, for client tests (port 0),
 * the demo and `npm run simulate`.
 */
import { serveLocal } from '../../infra/net';
import type { Platform } from '../types';
import { createDouyinSimulator, type DouyinSimulator } from './douyin';
import { createPddSimulator, type PddSimulator } from './pdd';
import { createTaobaoSimulator, type TaobaoSimulator } from './taobao';
import type { ChannelSimulator, SimulatorOptions } from './types';
import { createWechatSimulator, type WechatSimulator } from './wechat';

export interface ListenOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  hostname?: string;
}

export interface RunningSimulator<S extends ChannelSimulator = ChannelSimulator> {
  /** Give this to the store as `baseUrl`. */
  baseUrl: string;
  sim: S;
  close(): Promise<void>;
}

/** Tmall stores are served by the Taobao simulator: same gateway, same formats. */
export function createSimulator(platform: 'taobao' | 'tmall', opts: SimulatorOptions): TaobaoSimulator;
export function createSimulator(platform: 'pdd', opts: SimulatorOptions): PddSimulator;
export function createSimulator(platform: 'douyin', opts: SimulatorOptions): DouyinSimulator;
export function createSimulator(platform: 'wechat', opts: SimulatorOptions): WechatSimulator;
export function createSimulator(platform: Platform, opts: SimulatorOptions): ChannelSimulator;
export function createSimulator(platform: Platform, opts: SimulatorOptions): ChannelSimulator {
  switch (platform) {
    case 'taobao':
    case 'tmall':
      return createTaobaoSimulator(opts);
    case 'pdd':
      return createPddSimulator(opts);
    case 'douyin':
      return createDouyinSimulator(opts);
    case 'wechat':
      return createWechatSimulator(opts);
  }
}

export function startSimulator(platform: 'taobao' | 'tmall', opts: SimulatorOptions & ListenOptions): Promise<RunningSimulator<TaobaoSimulator>>;
export function startSimulator(platform: 'pdd', opts: SimulatorOptions & ListenOptions): Promise<RunningSimulator<PddSimulator>>;
export function startSimulator(platform: 'douyin', opts: SimulatorOptions & ListenOptions): Promise<RunningSimulator<DouyinSimulator>>;
export function startSimulator(platform: 'wechat', opts: SimulatorOptions & ListenOptions): Promise<RunningSimulator<WechatSimulator>>;
export function startSimulator(platform: Platform, opts: SimulatorOptions & ListenOptions): Promise<RunningSimulator>;
export async function startSimulator(platform: Platform, opts: SimulatorOptions & ListenOptions): Promise<RunningSimulator> {
  const sim = createSimulator(platform, opts);
  const server = await serveLocal(sim.app.fetch, opts);
  return {
    baseUrl: server.baseUrl,
    sim,
    close: server.close,
  };
}

export type { ChannelSimulator, GenerateOrderOptions, PushSpec, RefundRecord, SignedPush, SimulatorOptions, StockRecord, TrackingRecord } from './types';
export type { TaobaoSimulator, TaobaoTrade, TaobaoTradeLine } from './taobao';
export type { PddSimulator, PddOrder, PddOrderItem } from './pdd';
export type { DouyinSimulator, DouyinOrder, DouyinSkuOrder } from './douyin';
export type { WechatSimulator, WechatOrder, WechatProductInfo } from './wechat';
export { createTaobaoSimulator, createPddSimulator, createDouyinSimulator, createWechatSimulator };
export { SimulatedOAuth, type OAuthSimulatorOptions, type GrantRecord } from './oauth';
