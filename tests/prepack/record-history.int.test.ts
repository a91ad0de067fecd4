/**
 * `RECORD_HISTORIES=1 npx vitest run --project integration tests/prepack/record-history.int.test.ts`: runs an
 * order that ships a pre-packed unit to its end and writes its history to tests/histories/prepack-shipped.json,
 * which the replay test (tests/workflows/replay.int.test.ts) replays with the current code. Skipped otherwise.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { saveModel } from '../../db/queries/prepack-models';
import { createLogger } from '../../infra/logger';
import { createEventBuffer } from '../../prepack/events';
import { generateHistory } from '../../prepack/simulate';
import { trainAndEvaluate } from '../../prepack/training';
import { findTemporalCli } from '../../temporal/dev-server';
import { orderWorkflowId } from '../../workflows/contract';
import { aPhone, anOrder, seedWarehouse } from '../support/fixtures';
import { eventually, startStack, uniq, type Stack } from '../support/stack';

const dir = fileURLToPath(new URL('../histories/', import.meta.url));
const DAY = 86_400_000;
let stack: Stack;

describe.runIf(process.env.RECORD_HISTORIES === '1')('recording the pre-pack history', () => {
  beforeAll(async () => {
    stack = await startStack({ timings: { afterSaleWindowMs: 2_000 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('records an order shipped from its pre-packed unit', async () => {
    const start = Date.now() - 21 * DAY;
    const g = generateHistory({ seed: 11, customers: 250, skus: 20, categories: 4, startMs: start, days: 21 });
    const purchases = new Map<string, (typeof g.purchases)[number][]>();
    for (const p of g.purchases) purchases.set(p.phone, [...(purchases.get(p.phone) ?? []), p]);
    const trained = trainAndEvaluate(
      { events: g.events.map((e) => ({ ...e, customerKey: e.phone })), purchases, categories: g.categories },
      { trainFromMs: start + 7 * DAY, trainToMs: start + 16 * DAY, testToMs: start + 21 * DAY, stepMs: DAY / 8, horizonMs: DAY, threshold: 0.8 },
    );
    await saveModel(stack.db, { model: trained.model.stored, evaluation: trained.evaluation, trainFrom: new Date(start), trainTo: new Date(start), testTo: new Date(start) });
    const phone = aPhone();
    const sku = uniq('SKU');
    await seedWarehouse(stack, { [sku]: 3 });
    const at = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const id = uniq('ev');
    await stack.call('POST', '/v1/events', [
      ...Array.from({ length: 20 }, (_, i) => ({ eventId: `${id}-v${i}`, customerPhone: phone, sku, type: 'view', at: at(5 + i * 100), dwellSeconds: 300 })),
      ...Array.from({ length: 5 }, (_, i) => ({ eventId: `${id}-c${i}`, customerPhone: phone, sku, type: 'cart', at: at(3 + i * 100) })),
      { eventId: `${id}-f`, customerPhone: phone, sku, type: 'favourite', at: at(2) },
    ]);
    await createEventBuffer({ db: stack.db, logger: createLogger('silent') }).drainOnce();
    await stack.client.workflow.execute('prepackScoringWorkflow', { taskQueue: stack.taskQueue, workflowId: uniq('prepack-score-'), args: [{ ttlMs: 600_000 }] });
    await eventually(async () => ((await stack.call('GET', '/v1/prepack/candidates')).body as { sku: string }[]).find((c) => c.sku === sku), 20_000);

    const { body } = await stack.call('POST', '/v1/orders', anOrder({ customer: { name: '李四', phone }, paidAt: new Date().toISOString(), lines: [{ sku, quantity: 1, unitPriceFen: 29_900 }] }));
    const done = await eventually(async () => {
      const o = (await stack.call('GET', `/v1/orders/${body.orderId}`)).body;
      return o.status === 'COMPLETED' ? o : undefined;
    }, 90_000);
    expect(done.allocation).toMatchObject({ rule: 'prepack' });
    await stack.orders.handle(body.orderId).result();
    const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
    if (!cli) throw new Error('the Temporal CLI is needed to export histories');
    const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', orderWorkflowId(body.orderId), '--address', inject('temporalAddress'), '--output', 'json']);
    writeFileSync(`${dir}prepack-shipped.json`, json);
  }, 180_000);
});
