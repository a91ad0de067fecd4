/** The channel layer's front door: one adapter per platform, plus the shared vocabulary. */
import { douyinAdapter } from './douyin/adapter';
import { pddAdapter } from './pdd/adapter';
import { createTaobaoAdapter } from './taobao/adapter';
import type { ChannelAdapter, Platform } from './types';
import { wechatAdapter } from './wechat/adapter';

const ADAPTERS: Readonly<Record<Platform, ChannelAdapter>> = {
  taobao: createTaobaoAdapter('taobao'),
  tmall: createTaobaoAdapter('tmall'),
  pdd: pddAdapter,
  douyin: douyinAdapter,
  wechat: wechatAdapter,
};

export function adapterFor(platform: Platform): ChannelAdapter {
  return ADAPTERS[platform];
}

export * from './types';
export { ChannelApiError, InvalidPushError } from './errors';
