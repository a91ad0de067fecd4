import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../../db/client';
import { claimFingerprint, claimFingerprints, confirmMerge } from '../../../db/queries/dedup';

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

it('when orders are claimed in batches at acceptance, then each gets the decision it gets claimed one by one, in the same order', async () => {
  // A few buyers (fingerprints), creation times a minute apart within a 3-minute window, cut into random batches;
  // some batches run beside a batch of other buyers, the way concurrent intake transactions do.
  const order = fc.record({ buyer: fc.integer({ min: 0, max: 2 }), minute: fc.integer({ min: 0, max: 12 }) });
  await fc.assert(
    fc.asyncProperty(fc.array(order, { minLength: 1, maxLength: 25 }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 25, maxLength: 25 }), async (orders, cuts) => {
      const run = randomUUID();
      const t0 = Date.parse('2026-12-01T10:00:00Z');
      const claims = orders.map((o, i) => ({ orderId: `o${i}`, fingerprint: `${run}-${o.buyer}`, orderedAt: new Date(t0 + o.minute * 60_000), paidAt: null, totalFen: 100 }));

      const oneByOne = new Map<string, string>();
      for (const c of claims) {
        const outcome = await claimFingerprint(database.db, { ...c, orderId: `single-${run}-${c.orderId}`, fingerprint: `single-${c.fingerprint}`, windowMs: 180_000 });
        oneByOne.set(c.orderId, outcome.role === 'primary' ? 'primary' : outcome.primaryOrderId.replace(`single-${run}-`, ''));
      }

      const batched = new Map<string, string>();
      for (let start = 0, k = 0; start < claims.length; start += cuts[k++]!) {
        const batch = claims.slice(start, start + cuts[k]!).map((c) => ({ ...c, orderId: `batch-${run}-${c.orderId}`, fingerprint: `batch-${c.fingerprint}` }));
        const outcomes = await database.db.transaction((tx) => claimFingerprints(tx, batch, 180_000));
        for (const [id, outcome] of outcomes) batched.set(id.replace(`batch-${run}-`, ''), outcome.role === 'primary' ? 'primary' : outcome.primaryOrderId.replace(`batch-${run}-`, ''));
      }
      expect(batched).toEqual(oneByOne);
    }),
    { numRuns: 40 },
  );
});

it('when two intake batches claim the same buyers at the same time, then neither waits for the other forever and one primary results per buyer', async () => {
  const run = randomUUID();
  const at = new Date();
  const batch = (side: string, buyers: number[]) => buyers.map((b) => ({ orderId: `${side}-${run}-${b}`, fingerprint: `${run}-${b}`, orderedAt: at, paidAt: null, totalFen: 100 }));
  const [a, b] = await Promise.all([
    database.db.transaction((tx) => claimFingerprints(tx, batch('a', [0, 1, 2, 3]), 180_000)),
    database.db.transaction((tx) => claimFingerprints(tx, batch('b', [3, 2, 1, 0]), 180_000)),
  ]);
  for (const buyer of [0, 1, 2, 3]) {
    const roles = [a.get(`a-${run}-${buyer}`)!, b.get(`b-${run}-${buyer}`)!];
    expect(roles.filter((r) => r.role === 'primary')).toHaveLength(1);
  }
});
