/** Warehouse tasks (pick lists) as the PDA reads them and the order workflows open and close them. */
import { and, eq, sql } from 'drizzle-orm';
import type { StockLine } from '../../domain/stock';
import type { DbOrTx } from '../client';
import { warehouseTasks } from '../schema';

export async function findWarehouseTask(db: DbOrTx, taskId: string) {
  const [task] = await db.select().from(warehouseTasks).where(eq(warehouseTasks.id, taskId));
  return task;
}

/** Opens a pick task with its pick list (already in walking order), once: a retry finds the row there. */
export async function insertPickTask(db: DbOrTx, t: { id: string; orderId: string; warehouseId: string; lines: StockLine[] }): Promise<void> {
  await db
    .insert(warehouseTasks)
    .values({ ...t, kind: 'pick' })
    .onConflictDoNothing();
}

/** Completes or cancels a task that is still open; a closed one stays as it is. */
export async function closeWarehouseTask(db: DbOrTx, taskId: string, status: 'completed' | 'cancelled'): Promise<void> {
  await db
    .update(warehouseTasks)
    .set({ status, completedAt: sql`now()` })
    .where(and(eq(warehouseTasks.id, taskId), eq(warehouseTasks.status, 'open')));
}
