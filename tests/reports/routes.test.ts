import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import type { Ingest } from '../../ingest';
import { createLogger } from '../../infra/logger';

const ADMIN = 'unit-admin-key-0123456789';

/** The app without services and without a WeCom robot: these answers come before any database or Temporal call. */
function appWithoutServices() {
  const unused = {} as never;
  const deps: AppDeps = { db: unused, carriers: unused, secrets: unused, orders: unused, logger: createLogger('silent'), onStockReceived: async () => {}, ingest: {} as Ingest, adminApiKey: ADMIN };
  return createApp(deps);
}

describe('report picture, PDF and push routes, refused before any work', () => {
  const app = appWithoutServices();
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as { error: { code: string; issues?: { path: string }[] } } };
  };

  it('the push answers 503 NOT_CONFIGURED without WECOM_WEBHOOK_URL', async () => {
    const res = await call('POST', '/v1/reports/daily/push', {});
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('NOT_CONFIGURED');
  });

  it.each([
    ['POST', '/v1/reports/daily/push', { date: '2026-02-30' }, 'json.date'],
    ['POST', '/v1/reports/daily/push', { date: '2026-11-25T08:00:00+08:00' }, 'json.date'],
    ['GET', '/v1/reports/daily.pdf?date=yesterday', undefined, 'query.date'],
    ['GET', '/v1/reports/heatmap?format=gif', undefined, 'query.format'],
    ['GET', '/v1/reports/heatmap?format=png&level=street', undefined, 'query.level'],
  ])('%s %s is a 400 naming %s', async (method, path, body, field) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.map((i) => i.path)).toContain(field);
  });
});
