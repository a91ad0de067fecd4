import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPrepackActivities } from '../../activities/prepack-activities';
import { connectDatabase, type Database } from '../../db/client';
import { insertEvents } from '../../db/queries/behaviour-events';
import { orderLines, orders, prepackModels } from '../../db/schema';
import { createLogger } from '../../infra/logger';
import { phoneCustomer } from '../../prepack/customer';
import { generateHistory } from '../../prepack/simulate';

let database: Database;
beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), { max: 4 });
});
afterAll(async () => {
  await database?.close();
});

const DAY = 86_400_000;

describe('the scheduled training job', () => {
  it('when the project has four weeks of orders and behaviour, then it learns from them and judges the model on the last week', async () => {
    // Four weeks long ago (no other test writes there), with this run's own phones.
    const start = Date.UTC(2024, 0, 1) + Math.floor(Math.random() * 300) * DAY;
    const seed = Math.floor(Math.random() * 1e6);
    const g = generateHistory({ seed, customers: 200, skus: 12, categories: 3, startMs: start, days: 28 });
    const phone = (p: string) => `137${p.slice(3)}`; // 137…: apart from the other tests' 139… customers
    await insertEvents(
      database.db,
      g.events.map((e) => {
        const c = phoneCustomer(phone(e.phone))!;
        return { eventId: `train-${seed}-${e.eventId}`, customerKey: c.key, customerLabel: c.label, sku: `T${seed}-${e.sku}`, type: e.type, at: new Date(e.atMs).toISOString(), dwellSeconds: e.dwellSeconds };
      }),
    );
    const address = { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' };
    for (const [i, p] of g.purchases.entries()) {
      const orderId = `manual-train-${seed}-${i}`;
      const at = new Date(p.atMs);
      await database.db.insert(orders).values({
        orderId,
        workflowId: `order-${orderId}`,
        channel: 'manual',
        channelOrderId: `train-${seed}-${i}`,
        status: 'COMPLETED',
        statusSince: at,
        customer: { name: '客户', phone: phone(p.phone) },
        shippingAddress: address,
        totalFen: p.amountFen,
        orderedAt: at,
        paidAt: at,
      });
      await database.db.insert(orderLines).values({ orderId, sku: `T${seed}-${p.sku}`, quantity: p.quantity, unitPriceFen: Math.round(p.amountFen / p.quantity) });
    }

    const act = createPrepackActivities({ db: database.db, logger: createLogger('silent'), now: () => new Date(start + 28 * DAY) });
    const trained = await act.trainPrepackModel();
    expect(trained.modelId).not.toBeNull();
    const [row] = await database.db.select().from(prepackModels).where(eq(prepackModels.id, trained.modelId!));
    const evaluation = row!.evaluation as { source?: string; auc: number; positives: number; examples: number; live: { opened: number } };
    expect(evaluation.source).toBeUndefined(); // learnt from the project's own history, not the generated bootstrap
    expect(evaluation.positives).toBeGreaterThan(10);
    expect(evaluation.auc).toBeGreaterThan(0.7);
    expect(row!.testTo.getTime() - row!.trainTo.getTime()).toBe(7 * DAY);
    expect(evaluation.live).toMatchObject({ opened: expect.any(Number) });
    // Other tests score with the newest model: this one was only for looking at.
    await database.db.delete(prepackModels).where(eq(prepackModels.id, row!.id));
  }, 120_000);
});
