/** Warehouse tasks (pick lists) as the PDA reads them. */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { warehouseTasks } from '../schema';

export async function findWarehouseTask(db: DbOrTx, taskId: string) {
  const [task] = await db.select().from(warehouseTasks).where(eq(warehouseTasks.id, taskId));
  return task;
}
