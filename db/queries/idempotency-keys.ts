/** `Idempotency-Key`s of order creation: the order a key was first used for, and a hash of that request. */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { idempotencyKeys } from '../schema';

export async function findIdempotencyKey(db: DbOrTx, key: string) {
  const [seen] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
  return seen;
}

/** The first use of a key wins. */
export async function rememberIdempotencyKey(db: DbOrTx, key: { key: string; requestHash: string; orderId: string }): Promise<void> {
  await db.insert(idempotencyKeys).values(key).onConflictDoNothing();
}
