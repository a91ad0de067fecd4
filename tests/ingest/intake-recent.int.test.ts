/**
 * The intake's own count of the orders it has just created: what tells the order starters a burst is being
 * recorded while paced acknowledgements keep the buffer nearly empty (bin/start.ts). Redeliveries are not
 * new orders and do not count.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../db/client';
import { canonicalOrderSchema } from '../../domain/order-schema';
import { createLogger } from '../../infra/logger';
import { createIntake } from '../../ingest/intake';
import { anOrder } from '../support/fixtures';
import { uniq } from '../support/stack';

let database: Database;
beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), { max: 3 });
});
afterAll(() => database?.close());

const order = (channelOrderId: string) => canonicalOrderSchema.parse(anOrder({ channelOrderId, lines: [{ sku: 'SKU-RECENT', quantity: 1, unitPriceFen: 100 }] }));

describe('the intake counts the orders it has just created', () => {
  it('when orders are accepted, then they count; when the same orders are delivered again, then nothing more counts', async () => {
    const intake = createIntake({ db: database.db, taskQueue: uniq('queue'), logger: createLogger('silent') });
    expect(intake.createdWithin(1_000)).toBe(0);
    const orders = [order(uniq('r')), order(uniq('r')), order(uniq('r'))];
    const first = await Promise.all(orders.map((o) => intake.accept(o, { hold: false })));
    expect(first.map((a) => a.created)).toEqual([true, true, true]);
    expect(intake.createdWithin(1_000)).toBe(3);

    const again = await Promise.all(orders.map((o) => intake.accept(o, { hold: false })));
    expect(again.map((a) => a.created)).toEqual([false, false, false]);
    expect(intake.createdWithin(1_000)).toBe(3);
  });
});
