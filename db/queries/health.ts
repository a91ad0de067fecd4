import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';

/** PostgreSQL answers (readiness). */
export async function pingDatabase(db: DbOrTx): Promise<void> {
  await db.execute(sql`select 1`);
}
