/**
 * A local WeCom group robot for tests and the demo: the same `POST /cgi-bin/webhook/send?key=…` as
 * qyapi.weixin.qq.com, answering `{ errcode, errmsg }` with HTTP 200 as the real one does, and refusing what it
 * would refuse: an unknown key, a message type it does not know, markdown over 4,096 bytes, an image over 2 MB,
 * not PNG/JPEG, or whose md5 is not that of its bytes. Accepted messages are kept for the test to read.
 *
 * What is real and what is invented: the URL, body shapes, limits and `errcode: 0, errmsg: "ok"` follow WeCom's
 * robot documentation. The non-zero codes are taken from WeCom's global error-code list (93000 invalid webhook
 * URL, 40008 invalid message type, 40058 invalid parameter), but which one the robot answers for each case is
 * not documented, so the client treats every non-zero code alike; the messages are the simulator's own.
 *
 * `npm run wecom:simulator` runs one for the demo: it prints the WECOM_WEBHOOK_URL to give `npm start` and
 * writes each image it receives to the given directory.
 */
import { Hono } from 'hono';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveLocal } from '../infra/net';
import { wecomMessageSchema, type WecomMessage } from './wecom';

export const WECOM_SIM_ERRORS = { invalidWebhook: 93000, invalidMessageType: 40008, invalidParameter: 40058 } as const;
export const WECOM_WEBHOOK_PATH = '/cgi-bin/webhook/send';

export interface ReceivedWecomMessage {
  at: Date;
  message: WecomMessage;
}

/** What the robot does with the next requests: `ok`, a refusal with this errcode, or an HTTP error status. */
export type WecomSimulatorMode = { kind: 'ok' } | { kind: 'errcode'; errcode: number; errmsg: string } | { kind: 'http'; status: number };

export interface WecomSimulatorOptions {
  key?: string;
  port?: number;
  /** Every accepted message is handed here too (the demo writes the images to files). */
  onMessage?: (received: ReceivedWecomMessage) => void;
}

export interface RunningWecomSimulator {
  /** The webhook URL to configure (WECOM_WEBHOOK_URL), key included. */
  webhookUrl: string;
  /** Accepted messages, oldest first. */
  messages: ReceivedWecomMessage[];
  /** Requests of any outcome, accepted or refused (a retried send shows up here each time). */
  requests(): number;
  setMode(mode: WecomSimulatorMode): void;
  close(): Promise<void>;
}

export async function startWecomSimulator(options: WecomSimulatorOptions = {}): Promise<RunningWecomSimulator> {
  const key = options.key ?? 'oms-sim-robot-key';
  const messages: ReceivedWecomMessage[] = [];
  let mode: WecomSimulatorMode = { kind: 'ok' };
  let requests = 0;

  const app = new Hono().post(WECOM_WEBHOOK_PATH, async (c) => {
    requests += 1;
    if (mode.kind === 'http') return c.text('simulated outage', mode.status as 500);
    if (mode.kind === 'errcode') return c.json({ errcode: mode.errcode, errmsg: mode.errmsg });
    if (c.req.query('key') !== key) return c.json({ errcode: WECOM_SIM_ERRORS.invalidWebhook, errmsg: 'invalid webhook url' });
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ errcode: WECOM_SIM_ERRORS.invalidParameter, errmsg: 'invalid parameter: body is not JSON' });
    }
    const msgtype = (body as { msgtype?: unknown } | null)?.msgtype;
    if (msgtype !== 'markdown' && msgtype !== 'image') return c.json({ errcode: WECOM_SIM_ERRORS.invalidMessageType, errmsg: `invalid message type: ${String(msgtype)}` });
    const parsed = wecomMessageSchema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return c.json({ errcode: WECOM_SIM_ERRORS.invalidParameter, errmsg: `invalid parameter: ${issues}` });
    }
    const received = { at: new Date(), message: parsed.data };
    messages.push(received);
    options.onMessage?.(received);
    return c.json({ errcode: 0, errmsg: 'ok' });
  });

  const server = await serveLocal(app.fetch, { port: options.port });
  return {
    webhookUrl: `${server.baseUrl}${WECOM_WEBHOOK_PATH}?key=${encodeURIComponent(key)}`,
    messages,
    requests: () => requests,
    setMode(next) {
      mode = next;
    },
    close: server.close,
  };
}

/** `npm run wecom:simulator [-- --port 4200 --out .data/wecom]`: a robot for the demo. */
async function main(argv: string[]) {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = arg('out') ?? join('.data', 'wecom');
  mkdirSync(out, { recursive: true });
  let images = 0;
  const sim = await startWecomSimulator({
    port: Number(arg('port') ?? 4200),
    onMessage: ({ message }) => {
      if (message.msgtype === 'markdown') {
        console.log(`\n── markdown (${Buffer.byteLength(message.markdown.content)} bytes)\n${message.markdown.content}`);
      } else {
        const file = join(out, `image-${(images += 1)}.png`);
        writeFileSync(file, Buffer.from(message.image.base64, 'base64'));
        console.log(`\n── image, md5 ${message.image.md5}, written to ${file}`);
      }
    },
  });
  console.log(`WeCom robot stand-in listening.\n  WECOM_WEBHOOK_URL=${sim.webhookUrl}`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
