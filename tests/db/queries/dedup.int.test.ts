import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../../db/client';
import { claimFingerprint, confirmMerge } from '../../../db/queries/dedup';

let database: Database;
beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'), { max: 20 });
});
afterAll(async () => {
  await database?.close();
});

const claim = (orderId: string, fingerprint: string, orderedAt: Date) =>
  claimFingerprint(database.db, { orderId, fingerprint, orderedAt, paidAt: null, totalFen: 100, windowMs: 180_000 });

it('when 20 orders with one fingerprint claim it in the same instant, then exactly one is the primary and all others point at it', async () => {
  const fingerprint = randomUUID();
  const orderedAt = new Date();
  const ids = Array.from({ length: 20 }, (_, i) => `race-${fingerprint}-${i}`);
  // Each claim runs on its own pooled connection, released together.
  const outcomes = await Promise.all(ids.map((id) => claim(id, fingerprint, orderedAt)));

  const primaries = ids.filter((_, i) => outcomes[i]!.role === 'primary');
  expect(primaries).toHaveLength(1);
  expect(outcomes.filter((o) => o.role === 'duplicate').map((o) => (o.role === 'duplicate' ? o.primaryOrderId : ''))).toEqual(Array(19).fill(primaries[0]));
});

it('when a claim is retried, then it returns what the first attempt decided', async () => {
  const fingerprint = randomUUID();
  const at = new Date();
  await claim(`retry-a-${fingerprint}`, fingerprint, at);
  const first = await claim(`retry-b-${fingerprint}`, fingerprint, at);
  expect(await claim(`retry-b-${fingerprint}`, fingerprint, at)).toEqual(first);
  expect(first).toEqual({ role: 'duplicate', primaryOrderId: `retry-a-${fingerprint}` });
});

it('when two primaries are in the window, then a duplicate joins the one closest in time', async () => {
  const fingerprint = randomUUID();
  const t0 = Date.now();
  await claim(`near-a-${fingerprint}`, fingerprint, new Date(t0));
  await claim(`near-b-${fingerprint}`, fingerprint, new Date(t0 + 4 * 60_000));
  expect(await claim(`near-c-${fingerprint}`, fingerprint, new Date(t0 + 3 * 60_000))).toEqual({ role: 'duplicate', primaryOrderId: `near-b-${fingerprint}` });
  expect(await confirmMerge(database.db, `near-c-${fingerprint}`)).toMatchObject({ outcome: 'merged', opened: [] });
});
