import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWecomSimulator, type RunningWecomSimulator } from '../../reports/wecom-simulator';
import {
  dailyMarkdown,
  dailyMarkdownLines,
  escapeMarkdown,
  fitLines,
  imageMessage,
  redactWebhook,
  sendWecom,
  truncateUtf8,
  WECOM_IMAGE_MAX_BYTES,
  WECOM_MARKDOWN_MAX_BYTES,
  WecomError,
  WecomImageRefused,
  wecomMessageSchema,
} from '../../reports/wecom';
import { aDailyReport, aWarehouse, PNG_SIGNATURE } from './fixtures';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const aPng = (size = 100) => Buffer.concat([PNG_SIGNATURE, Buffer.alloc(size - 8, 7)]);

describe('truncateUtf8', () => {
  it('keeps text within the limit whole', () => {
    expect(truncateUtf8('杭州', 6)).toBe('杭州');
  });

  it('never cuts a character in two', () => {
    expect(truncateUtf8('杭州', 5)).toBe('杭'); // 3 + 3 bytes: the second does not fit
    expect(truncateUtf8('a😀b', 4)).toBe('a'); // the emoji is 4 bytes
  });

  it('holds for any text and limit: within the limit, a prefix, valid UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.nat(600), (text, max) => {
        const cut = truncateUtf8(text, max);
        expect(bytes(cut)).toBeLessThanOrEqual(max);
        expect(text.startsWith(cut)).toBe(true);
        expect(cut).not.toContain('\uFFFD');
      }),
    );
  });
});

describe('escapeMarkdown', () => {
  it('turns the markup characters of names into their full-width forms', () => {
    expect(escapeMarkdown('**仓**<font color="warning">[x](http://a)`#_~|&', 100)).toBe('＊＊仓＊＊＜font color="warning"＞［x］(http://a)｀＃＿～｜＆');
  });

  it('keeps a name on one line and short', () => {
    expect(escapeMarkdown('杭州\n# 仓\r\n> 引用')).toBe('杭州 ＃ 仓 ＞ 引用');
    expect([...escapeMarkdown('仓'.repeat(100), 10)]).toHaveLength(10);
  });
});

describe('fitLines', () => {
  it('keeps short content as it is', () => {
    expect(fitLines(['a', 'b'])).toBe('a\nb');
  });

  it('drops whole lines past the limit and says how many', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `> 仓库${i} 分配 35 · 发货 30 · <font color="warning">缺货 2</font>`);
    const content = fitLines(lines);
    expect(bytes(content)).toBeLessThanOrEqual(WECOM_MARKDOWN_MAX_BYTES);
    expect(bytes(content)).toBeGreaterThan(WECOM_MARKDOWN_MAX_BYTES - 200);
    const out = content.split('\n');
    const kept = out.length - 1;
    expect(out.slice(0, kept)).toEqual(lines.slice(0, kept));
    expect(out.at(-1)).toBe(`> …其余 ${1000 - kept} 行略，完整内容见日报 PDF`);
    // Cut between lines: every kept tag is closed.
    expect(content.match(/<font/g)?.length).toBe(content.match(/<\/font>/g)?.length);
  });

  it('holds for any lines and limit', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 80 }), { maxLength: 100 }), fc.integer({ min: 0, max: 2000 }), (lines, max) => {
        expect(bytes(fitLines(lines, max))).toBeLessThanOrEqual(max);
      }),
    );
  });
});

describe('the daily markdown message', () => {
  it('summarises the day: funnel, GMV, compression rate, cities, warehouses', () => {
    const message = dailyMarkdown(aDailyReport());
    expect(message.msgtype).toBe('markdown');
    const content = message.msgtype === 'markdown' ? message.markdown.content : '';
    expect(content.split('\n')[0]).toBe('## 每日运营报告 2026-11-25');
    expect(content).toContain('下单 **60** · 付款 **53** · 发货 **40** · 签收 **30** · 退货 **2**');
    expect(content).toContain('GMV **¥13,060.00**');
    expect(content).toContain('压缩率 <font color="info">65.6%</font>');
    expect(content).toContain('> 杭州市 30 单 ¥4,000.00');
    expect(content).toContain('> 杭州仓（HZ1）分配 35 · 发货 30 · 满足率 90.0% · <font color="warning">缺货 2</font> · 产能 70.0%');
    expect(content).toContain('> 广州仓（GZ1）分配 35 · 发货 30 · 满足率 90.0% · 缺货 0');
    expect(wecomMessageSchema.safeParse(message).success).toBe(true);
  });

  it('a slower day shows the rate as a warning, and none when it cannot be told', () => {
    const slower = aDailyReport({ cycle: { ...aDailyReport().cycle, compressionRate: -0.5 } });
    expect(dailyMarkdownLines(slower).join('\n')).toContain('压缩率 <font color="warning">-50.0%</font>');
    const unknown = aDailyReport({ cycle: { ...aDailyReport().cycle, compressionRate: null, reason: 'x' } });
    expect(dailyMarkdownLines(unknown).join('\n')).toContain('压缩率 —');
  });

  it('stays within 4,096 bytes with hundreds of warehouses, names escaped', () => {
    const warehouses = Array.from({ length: 500 }, (_, i) => aWarehouse({ warehouseId: `W${i}`, name: `**仓库<${i}>**` }));
    const message = dailyMarkdown(aDailyReport({ warehouses }));
    const content = message.msgtype === 'markdown' ? message.markdown.content : '';
    expect(bytes(content)).toBeLessThanOrEqual(WECOM_MARKDOWN_MAX_BYTES);
    expect(content).toContain('＊＊仓库＜0＞＊＊（W0）');
    expect(content).not.toContain('**仓库<');
    expect(content).toMatch(/其余 \d+ 行略/);
  });
});

describe('the image message', () => {
  it('carries the picture as base64 with the md5 of the decoded bytes', () => {
    const png = aPng(1000);
    const message = imageMessage(png);
    if (message.msgtype !== 'image') throw new Error('not an image message');
    const decoded = Buffer.from(message.image.base64, 'base64');
    expect(decoded.equals(png)).toBe(true);
    expect(message.image.md5).toBe(createHash('md5').update(decoded).digest('hex'));
    expect(wecomMessageSchema.safeParse(message).success).toBe(true);
  });

  it('refuses what the robot would: over 2 MB, or not PNG/JPEG', () => {
    expect(() => imageMessage(aPng(WECOM_IMAGE_MAX_BYTES + 1))).toThrow(WecomImageRefused);
    expect(() => imageMessage(Buffer.from('GIF89a…'))).toThrow(WecomImageRefused);
    expect(() => imageMessage(aPng(WECOM_IMAGE_MAX_BYTES))).not.toThrow();
  });

  it('the schema refuses an md5 that is not the picture’s', () => {
    const message = imageMessage(aPng());
    if (message.msgtype !== 'image') throw new Error('not an image message');
    const wrong = { ...message, image: { ...message.image, md5: createHash('md5').update('other').digest('hex') } };
    const result = wecomMessageSchema.safeParse(wrong);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['image.md5']);
  });
});

describe('sending to the robot (the local stand-in)', () => {
  let robot: RunningWecomSimulator;
  beforeAll(async () => {
    robot = await startWecomSimulator({ key: 'k-123' });
  });
  afterAll(async () => {
    await robot?.close();
  });

  it('delivers both messages as sent', async () => {
    robot.setMode({ kind: 'ok' });
    const before = robot.messages.length;
    await sendWecom(robot.webhookUrl, dailyMarkdown(aDailyReport()));
    await sendWecom(robot.webhookUrl, imageMessage(aPng()));
    expect(robot.messages.slice(before).map((m) => m.message.msgtype)).toEqual(['markdown', 'image']);
  });

  it('a non-zero errcode is an error naming it', async () => {
    robot.setMode({ kind: 'errcode', errcode: 45009, errmsg: 'api freq out of limit' });
    const err = await sendWecom(robot.webhookUrl, imageMessage(aPng())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomError);
    expect((err as WecomError).errcode).toBe(45009);
    expect((err as Error).message).toContain('45009');
  });

  it('an HTTP failure is an error', async () => {
    robot.setMode({ kind: 'http', status: 502 });
    const err = await sendWecom(robot.webhookUrl, imageMessage(aPng())).catch((e: unknown) => e);
    expect((err as WecomError).httpStatus).toBe(502);
  });

  it('a wrong key, a message type it does not know, an oversized markdown or a wrong md5 are refused', async () => {
    robot.setMode({ kind: 'ok' });
    const post = async (body: unknown, url = robot.webhookUrl) => (await (await fetch(url, { method: 'POST', body: JSON.stringify(body) })).json()) as { errcode: number; errmsg: string };
    expect((await post({ msgtype: 'markdown', markdown: { content: 'x' } }, robot.webhookUrl.replace('k-123', 'nope'))).errcode).toBe(93000);
    expect((await post({ msgtype: 'news', news: {} })).errcode).toBe(40008);
    const long = await post({ msgtype: 'markdown', markdown: { content: '仓'.repeat(1366) } }); // 4,098 bytes
    expect(long.errcode).not.toBe(0);
    expect(long.errmsg).toContain('4096');
    const message = imageMessage(aPng());
    if (message.msgtype !== 'image') throw new Error('not an image message');
    expect((await post({ ...message, image: { ...message.image, md5: '0'.repeat(32) } })).errmsg).toContain('md5');
    expect((await post({ msgtype: 'markdown', markdown: { content: '仓'.repeat(1365) } })).errcode).toBe(0);
  });

  it('hides the key when it names the robot', () => {
    expect(redactWebhook('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key')).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***');
  });
});
