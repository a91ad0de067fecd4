import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import type { Ingest } from '../../ingest';
import { createLogger } from '../../infra/logger';

/** The app built without services: /openapi.json needs none, and no other route is called. */
function appWithoutServices() {
  const unused = {} as never;
  const deps: AppDeps = {
    db: unused,
    carriers: unused,
    secrets: unused,
    orders: unused,
    logger: createLogger('silent'),
    onStockReceived: async () => {},
    ingest: {} as Ingest,
  };
  return createApp(deps);
}

type Operation = { summary?: string; security?: { bearer: string[] }[]; requestBody?: unknown; parameters?: { in: string; name: string }[] };

describe('GET /openapi.json', () => {
  const app = appWithoutServices();
  const document = async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    return (await res.json()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
  };
  const mounted = () => {
    const routes = app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:([^/{]+)(\{[^}]*\})?/g, '{$1}') }));
    return [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
  };

  it('lists every mounted route with its method and a summary', async () => {
    const { openapi, paths } = await document();
    expect(openapi).toBe('3.1.0');
    const routes = mounted();
    expect(routes.length).toBeGreaterThan(50);
    for (const { method, path } of routes) {
      expect(paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(paths[path]![method]!.summary, `${method.toUpperCase()} ${path}`).toBeTruthy();
    }
    const documented = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('documents the scopes of every keyed route, and none on the signed or public ones', async () => {
    const { paths } = await document();
    const unkeyed = /^\/(healthz|readyz|openapi\.json)$|^\/v1\/(webhooks|oauth)\//;
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (unkeyed.test(path)) expect(op.security, `${method} ${path}`).toBeUndefined();
        else expect(op.security?.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    expect(paths['/v1/ops/stuck-orders']!.get!.security).toEqual([{ bearer: ['ops'] }]);
    expect(paths['/v1/inventory/{warehouseId}/{sku}']!.put!.security).toEqual([{ bearer: ['admin'] }, { bearer: ['warehouse'] }]);
  });

  it('takes request bodies and parameters from the route validators', async () => {
    const { paths } = await document();
    const create = paths['/v1/orders']!.post! as Operation & { requestBody: { content: { 'application/json': { schema: { required: string[] } } } } };
    expect(create.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['channel', 'channelOrderId', 'lines']));
    expect(paths['/v1/returns']!.get!.parameters?.map((p) => `${p.in} ${p.name}`)).toEqual(['query orderId', 'query status', 'query limit']);
    expect(paths['/v1/stores/{storeId}/shipment-merge']!.put!.parameters?.map((p) => `${p.in} ${p.name}`)).toEqual(['path storeId']);
  });
});
