/** The pre-pack purchase models (`prepack_models`), each stored with its evaluation; the newest one scores. */
import { desc } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { prepackModels } from '../schema';

export type PrepackModelRow = typeof prepackModels.$inferSelect;

export async function latestModel(db: DbOrTx): Promise<PrepackModelRow | undefined> {
  const [row] = await db.select().from(prepackModels).orderBy(desc(prepackModels.id)).limit(1);
  return row;
}

export async function saveModel(db: DbOrTx, row: typeof prepackModels.$inferInsert): Promise<PrepackModelRow> {
  const [saved] = await db.insert(prepackModels).values(row).returning();
  return saved!;
}
