/** Shared test data and helpers for the carrier tests (not a test file itself). */
import { Hono } from 'hono';
import { serveLocal } from '../../infra/net';
import { carrierPush, type CarrierEvent, type CarrierName, type Party } from '../../carriers/index';

export const SF_CREDS = { partnerId: 'OMS_TEST', checkword: 'test-checkword-0123456789' };
export const JD_CREDS = { appKey: 'test-app-key', appSecret: 'test-app-secret', accessToken: 'test-token', customerCode: '010K0001' };

export const WAREHOUSE: Party = {
  name: '华东仓',
  phone: '02150000000',
  province: '上海市',
  city: '上海市',
  district: '青浦区',
  detail: '华新镇物流园 1 号库',
};

export const CUSTOMER: Party = {
  name: '张三',
  phone: '13800000000',
  province: '广东省',
  city: '深圳市',
  district: '南山区',
  detail: '科技园南路 1 号',
};

export const PARCELS = [{ name: '保温杯 350ml', quantity: 2 }];

/** A clock tests move by hand, starting at 2024-05-01 10:00:00 Beijing time. */
export function manualClock(start = Date.parse('2024-05-01T02:00:00.000Z')) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stands in for the OMS webhook `POST /v1/webhooks/carriers/:carrier`: verify, parse, ack, the way the
 * API route is meant to use carrierPush(). Records what it accepted and how many pushes it refused.
 */
export async function startWebhookReceiver(secrets: Partial<Record<CarrierName, string>>) {
  const received: CarrierEvent[] = [];
  let rejected = 0;
  const app = new Hono();
  app.post('/v1/webhooks/carriers/:carrier', async (c) => {
    const carrier = c.req.param('carrier') as CarrierName;
    const push = carrierPush(carrier);
    const raw = await c.req.text();
    if (!push.verify(raw, { headers: c.req.raw.headers, query: c.req.query() }, secrets[carrier] ?? '')) {
      rejected += 1;
      const reply = push.nack(401, 'bad signature');
      return c.json(reply.body, reply.status);
    }
    received.push(...push.parse(raw));
    const reply = push.ack();
    return c.json(reply.body, reply.status);
  });
  const server = await serveLocal(app.fetch);
  return {
    url: (carrier: CarrierName) => `${server.baseUrl}/v1/webhooks/carriers/${carrier}`,
    received,
    rejected: () => rejected,
    close: server.close,
  };
}
