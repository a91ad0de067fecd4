import { describe, expect, it } from 'vitest';
import { entriesOf } from '../../ingest/consumer';
import { readEntry } from '../../ingest/entry';

const good = { source: 'push', platform: 'douyin', storeId: 'douyin-1', channelOrderId: '6900000000000000001', kind: 'paid', messageId: 'm1', receivedAt: '2026-11-11T00:00:00.000Z' };

describe('reading an entry back from the stream', () => {
  it('when the entry is well formed, then it reads back as it was written', () => {
    expect(readEntry(JSON.stringify(good))).toEqual({ ok: true, entry: good });
  });

  it('when a refund push names the platform refund id, then the id survives the stream', () => {
    const refund = { ...good, kind: 'refund_requested', refundId: '7300000000000000042' };
    expect(readEntry(JSON.stringify(refund))).toEqual({ ok: true, entry: refund });
  });

  it.each<[string, string | undefined, string, Record<string, string>]>([
    ['missing field', undefined, 'not JSON', {}],
    ['not JSON', '{"platform":', 'not JSON', {}],
    ['unknown platform', JSON.stringify({ ...good, platform: 'jd' }), 'platform', { platform: 'jd', storeId: 'douyin-1', channelOrderId: good.channelOrderId, messageId: 'm1' }],
    ['no order id', JSON.stringify({ ...good, channelOrderId: undefined }), 'channelOrderId', { platform: 'douyin', storeId: 'douyin-1', messageId: 'm1' }],
    ['a number where text belongs', JSON.stringify({ ...good, storeId: 7 }), 'storeId', { platform: 'douyin', channelOrderId: good.channelOrderId, messageId: 'm1' }],
  ])('when the entry has %s, then it is unreadable, naming what is wrong and keeping only the text fields', (_case, text, mentions, partial) => {
    const read = readEntry(text);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.message).toContain(mentions);
    expect(read.partial).toEqual(partial);
  });
});

describe('the entries of an XREADGROUP reply', () => {
  const entries = [['1-0', ['e', '{}']], ['1-1', null]];
  it.each<[string, unknown]>([
    ['RESP2: [[key, entries]]', [['s', entries]]],
    ['RESP3 with legacy mapping: [key, entries]', ['s', entries]],
    ['RESP3 with resp3 mapping: { key: entries }', { s: entries }],
  ])('when the reply is %s, then the entries are found', (_shape, reply) => {
    expect(entriesOf(reply, 's')).toEqual(entries);
  });

  it.each<[unknown]>([[null], [undefined], [[]], [{}], [[['other', entries]]]])('when the reply holds nothing for the stream (%j), then there are no entries', (reply) => {
    expect(entriesOf(reply, 's')).toEqual([]);
  });
});
