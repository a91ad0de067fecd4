import { describe, expect, it } from 'vitest';
import { channelOrderIdOf } from '../../activities/channel-activities';
import { adapterFor } from '../../channels';
import type { Platform } from '../../channels/types';

describe('the platform order id of a polled order', () => {
  it.each<{ platform: Platform; raw: Record<string, unknown>; id: string | undefined }>([
    { platform: 'taobao', raw: { tid: '3912845670123456789', tid_str: '3912845670123456789' }, id: '3912845670123456789' },
    { platform: 'tmall', raw: { tid: 12345 }, id: '12345' },
    { platform: 'pdd', raw: { order_sn: '240501-123456789012345' }, id: '240501-123456789012345' },
    { platform: 'douyin', raw: { order_id: '6912345678901234567' }, id: '6912345678901234567' },
    { platform: 'wechat', raw: { order_id: '3712345678901234567' }, id: '3712345678901234567' },
    { platform: 'douyin', raw: { order_id: '' }, id: undefined },
    { platform: 'pdd', raw: {}, id: undefined },
  ])('when $platform sends $raw, then the id is $id', ({ platform, raw, id }) => {
    expect(channelOrderIdOf(adapterFor(platform), raw)).toBe(id);
  });
});
