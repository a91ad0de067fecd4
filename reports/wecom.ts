/**
 * WeCom (企业微信) group robot: the daily summary as a `markdown` message and the day's chart as an `image`
 * message, posted to the robot's webhook (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`).
 *
 * The robot's documented limits: markdown content at most 4,096 bytes of UTF-8; an image as base64 with the md5
 * of its bytes (before base64), JPG or PNG, at most 2 MB. It answers HTTP 200 with `{ errcode, errmsg }`: any
 * errcode but 0 is a refusal (45009 is its rate limit of 20 messages a minute).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DailyReport } from './daily';
import { count, hours, pct, regionName, STAGE_LABELS, yuan } from './format';

export const WECOM_MARKDOWN_MAX_BYTES = 4096;
export const WECOM_IMAGE_MAX_BYTES = 2 * 1024 * 1024;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/** The two message shapes the OMS sends, as the robot accepts them (the stand-in validates with these). */
export const wecomMessageSchema = z.discriminatedUnion('msgtype', [
  z.object({
    msgtype: z.literal('markdown'),
    markdown: z.object({
      content: z
        .string()
        .min(1)
        .refine((c) => Buffer.byteLength(c, 'utf8') <= WECOM_MARKDOWN_MAX_BYTES, `content over ${WECOM_MARKDOWN_MAX_BYTES} bytes of UTF-8`),
    }),
  }),
  z.object({
    msgtype: z.literal('image'),
    image: z
      .object({ base64: z.base64(), md5: z.string().regex(/^[0-9a-f]{32}$/i, 'md5 as 32 hex digits') })
      .superRefine((img, ctx) => {
        const bytes = Buffer.from(img.base64, 'base64');
        if (bytes.length > WECOM_IMAGE_MAX_BYTES) ctx.addIssue({ code: 'custom', path: ['base64'], message: `image over ${WECOM_IMAGE_MAX_BYTES} bytes` });
        if (!isPngOrJpeg(bytes)) ctx.addIssue({ code: 'custom', path: ['base64'], message: 'not a PNG or JPEG image' });
        if (md5(bytes) !== img.md5.toLowerCase()) ctx.addIssue({ code: 'custom', path: ['md5'], message: 'md5 does not match the image' });
      }),
  }),
]);
export type WecomMessage = z.infer<typeof wecomMessageSchema>;

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
const isPngOrJpeg = (bytes: Buffer) => bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.subarray(0, 3).equals(JPEG_SIGNATURE);

/** The robot's refusal, or no answer: retried by the push activity. */
export class WecomError extends Error {
  constructor(
    message: string,
    readonly errcode?: number,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'WecomError';
  }
}

/** A picture too big or not a picture: sending it again would not help. */
export class WecomImageRefused extends Error {
  override name = 'WecomImageRefused';
}

export function imageMessage(picture: Buffer): WecomMessage {
  if (!isPngOrJpeg(picture)) throw new WecomImageRefused('the robot takes PNG or JPEG only');
  if (picture.length > WECOM_IMAGE_MAX_BYTES) throw new WecomImageRefused(`image of ${picture.length} bytes is over the robot's ${WECOM_IMAGE_MAX_BYTES}`);
  return { msgtype: 'image', image: { base64: picture.toString('base64'), md5: md5(picture) } };
}

/** At most `maxBytes` of UTF-8, never cutting a character in two. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  // Step back over continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * Text from the data (warehouse and city names) made inert in WeCom markdown: its markup characters become
 * their full-width forms, which read the same to a Chinese reader and which the robot does not interpret (it
 * documents no backslash escapes). Line breaks become spaces so a name cannot start a heading or a quote.
 */
export function escapeMarkdown(text: string, maxChars = 40): string {
  const inert = text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[*`[\]<>#&_~|]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
    .trim();
  const chars = [...inert];
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : inert;
}

/**
 * Markdown content of whole lines within the byte limit: lines are kept in order while they fit, and when some
 * do not, a last line says how many were left out (cutting between lines never leaves a `<font>` tag or a
 * `**` open).
 */
export function fitLines(lines: readonly string[], maxBytes = WECOM_MARKDOWN_MAX_BYTES): string {
  const all = lines.join('\n');
  if (Buffer.byteLength(all, 'utf8') <= maxBytes) return all;
  const kept: string[] = [];
  let bytes = 0;
  const marker = (left: number) => `> …其余 ${left} 行略，完整内容见日报 PDF`;
  for (const [i, line] of lines.entries()) {
    const next = bytes + (kept.length ? 1 : 0) + Buffer.byteLength(line, 'utf8');
    const left = lines.length - i - 1;
    // Room must remain for the marker line after this one, unless this is the last line.
    const reserve = left > 0 ? 1 + Buffer.byteLength(marker(left), 'utf8') : 0;
    if (next + reserve > maxBytes) {
      kept.push(marker(lines.length - i));
      return truncateUtf8(kept.join('\n'), maxBytes);
    }
    kept.push(line);
    bytes = next;
  }
  return kept.join('\n');
}

/** Lines of the day's summary (cities and warehouses as many as fit). */
export function dailyMarkdownLines(report: DailyReport, options: { topCities?: number } = {}): string[] {
  const stage = (name: keyof typeof STAGE_LABELS) => report.funnel.find((s) => s.stage === name);
  const funnelLine = report.funnel.map((s) => `${STAGE_LABELS[s.stage]} **${count(s.count)}**`).join(' · ');
  const rate = report.cycle.compressionRate;
  const { current, baseline } = report.cycle;
  const lines = [
    `## 每日运营报告 ${report.date}`,
    `> ${funnelLine}`,
    `> 付款 GMV **${yuan(report.gmvFen)}** · 付款率 ${pct(stage('paid')?.conversionFromPrevious)} · 发货率 ${pct(stage('shipped')?.conversionFromPrevious)}`,
    '',
    `**履约时效** 付款→发货平均 ${hours(current.paidToShipped.meanHours)}（前一日 ${hours(baseline.paidToShipped.meanHours)}），压缩率 ${
      rate === null ? '—' : `<font color="${rate >= 0 ? 'info' : 'warning'}">${pct(rate)}</font>`
    }`,
  ];
  const cities = report.regions.slice(0, options.topCities ?? 10);
  if (cities.length) {
    lines.push('', `**收货城市 Top ${cities.length}**`);
    for (const r of cities) lines.push(`> ${escapeMarkdown(regionName(r))} ${count(r.orders)} 单 ${yuan(r.gmvFen)}`);
  }
  if (report.warehouses.length) {
    lines.push('', '**仓库健康**');
    const busiest = [...report.warehouses].sort((a, b) => b.allocated - a.allocated || a.warehouseId.localeCompare(b.warehouseId));
    for (const w of busiest) {
      const outs = w.stockOuts > 0 ? `<font color="warning">缺货 ${count(w.stockOuts)}</font>` : '缺货 0';
      const capacity = w.dailyOrderCapacity ? ` · 产能 ${pct(w.capacityUsed)}` : '';
      lines.push(`> ${escapeMarkdown(w.name || w.warehouseId)}（${escapeMarkdown(w.warehouseId)}）分配 ${count(w.allocated)} · 发货 ${count(w.shipped)} · 满足率 ${pct(w.fillRate)} · ${outs}${capacity}`);
    }
  }
  return lines;
}

export function dailyMarkdown(report: DailyReport): WecomMessage {
  return { msgtype: 'markdown', markdown: { content: fitLines(dailyMarkdownLines(report)) } };
}

/** The webhook with its key hidden, for logs and review tasks (the key is all it takes to post to the group). */
export function redactWebhook(url: string): string {
  return url.replace(/([?&]key=)[^&]+/, '$1***');
}

/** Posts one message; resolves on `errcode: 0`, throws a WecomError on anything else. */
export async function sendWecom(webhookUrl: string, message: WecomMessage, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (err) {
    throw new WecomError(`WeCom robot ${redactWebhook(webhookUrl)} unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.text();
  if (!res.ok) throw new WecomError(`WeCom robot answered HTTP ${res.status}: ${text.slice(0, 200)}`, undefined, res.status);
  const answer = z.object({ errcode: z.number(), errmsg: z.string().optional() }).safeParse(safeJson(text));
  if (!answer.success) throw new WecomError(`WeCom robot answered something else than { errcode, errmsg }: ${text.slice(0, 200)}`, undefined, res.status);
  if (answer.data.errcode !== 0) throw new WecomError(`WeCom robot refused the ${message.msgtype} message: errcode ${answer.data.errcode} ${answer.data.errmsg ?? ''}`.trim(), answer.data.errcode, res.status);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
