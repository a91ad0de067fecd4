import { Hono } from 'hono';
import type { Db } from '../../db/client';
import { pingDatabase } from '../../db/queries/health';
import { doc } from '../openapi';

export interface ReadinessProbe {
  name: string;
  check(): Promise<unknown>;
}

/** Liveness says the process answers; readiness says its dependencies answer too. */
export function healthRoutes({ db, probes }: { db: Db; probes: ReadinessProbe[] }) {
  const all: ReadinessProbe[] = [{ name: 'postgres', check: () => pingDatabase(db) }, ...probes];
  return new Hono()
    .get('/healthz', doc('Liveness', { 200: 'ok' }), (c) => c.json({ status: 'ok' }))
    .get('/readyz', doc('Readiness of PostgreSQL, Temporal and Redis', { 200: 'ready', 503: 'not ready' }), async (c) => {
      const results = await Promise.all(
        all.map(async (p) => {
          try {
            await withTimeout(p.check(), 2000);
            return [p.name, 'ok'] as const;
          } catch (err) {
            return [p.name, err instanceof Error ? err.message : 'failed'] as const;
          }
        }),
      );
      const ready = results.every(([, r]) => r === 'ok');
      return c.json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) }, ready ? 200 : 503);
    });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
