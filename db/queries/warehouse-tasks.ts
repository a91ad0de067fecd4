/** Warehouse tasks (pick lists) as the PDA reads them and the order workflows open and close them. */
import { createHash } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { decideScan, type PackCheck, type Scan, type ScanRefusal } from '../../domain/pack-check';
import type { StockLine } from '../../domain/stock';
import type { Db, DbOrTx } from '../client';
import { idempotencyKeys, warehouseTasks } from '../schema';

type TaskRow = typeof warehouseTasks.$inferSelect;

/** A task with its jsonb columns read back through their schemas. */
export type WarehouseTask = Omit<TaskRow, 'lines' | 'scanned' | 'packCheck'> & {
  lines: StockLine[];
  scanned: Record<string, number>;
  packCheck: PackCheck | null;
};

// The pick list may carry more per line (e.g. a location) than the pack check needs: kept as it is.
const storedLines = z.array(z.looseObject({ sku: z.string(), quantity: z.number().int() }));
const storedScanned = z.record(z.string(), z.number().int().nonnegative());
const storedPackCheck = z.enum(['scanned', 'unverified']).nullable();

const parsed = (row: TaskRow): WarehouseTask => ({
  ...row,
  lines: storedLines.parse(row.lines),
  scanned: storedScanned.parse(row.scanned),
  packCheck: storedPackCheck.parse(row.packCheck),
});

export async function findWarehouseTask(db: DbOrTx, taskId: string): Promise<WarehouseTask | undefined> {
  const [task] = await db.select().from(warehouseTasks).where(eq(warehouseTasks.id, taskId));
  return task && parsed(task);
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

/**
 * The packer confirms an open task without scanning: recorded as `unverified`, unless it was already
 * confirmed (a fully scanned task stays `scanned`, a repeated confirmation changes nothing). Undefined when
 * the task is unknown or no longer open.
 */
export async function confirmPackUnverified(db: DbOrTx, taskId: string): Promise<WarehouseTask | undefined> {
  const [task] = await db
    .update(warehouseTasks)
    .set({ packCheck: sql`coalesce(${warehouseTasks.packCheck}, 'unverified')` })
    .where(and(eq(warehouseTasks.id, taskId), eq(warehouseTasks.status, 'open')))
    .returning();
  return task && parsed(task);
}

export type ScanResult =
  | { result: 'not-found' }
  | { result: 'refused'; refusal: ScanRefusal }
  /** The scan id was used before for another SKU or quantity. */
  | { result: 'scan-id-reused' }
  /** `recorded`: counted now; `replayed`: this scan id was counted before, the task as it is now. */
  | { result: 'recorded' | 'replayed'; task: WarehouseTask };

/**
 * One pack-check scan, decided and counted under the task's row lock, so two PDAs scanning the same task at
 * once are counted one after the other and never past the task's quantity. A scan id seen before (a retry
 * after a timeout) is answered from the task as it stands, not counted again; the id is kept beside the
 * order's idempotency keys, namespaced by task. The scan that completes the task records `pack_check = 'scanned'`.
 */
export async function recordPackScan(db: Db, taskId: string, scan: Scan & { scanId?: string | undefined }): Promise<ScanResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(warehouseTasks).where(eq(warehouseTasks.id, taskId)).for('update');
    if (!row) return { result: 'not-found' };
    const task = parsed(row);
    const key = scan.scanId === undefined ? undefined : `pack-scan:${taskId}:${scan.scanId}`;
    const requestHash = createHash('sha256').update(JSON.stringify([scan.sku, scan.quantity])).digest('hex');
    if (key) {
      const [seen] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
      if (seen) return seen.requestHash === requestHash ? { result: 'replayed', task } : { result: 'scan-id-reused' };
    }
    const decision = decideScan(task, scan);
    if (decision.outcome !== 'accepted') return { result: 'refused', refusal: decision };
    const [updated] = await tx
      .update(warehouseTasks)
      .set({ scanned: decision.scanned, ...(decision.complete ? { packCheck: 'scanned' } : {}) })
      .where(eq(warehouseTasks.id, taskId))
      .returning();
    if (key) await tx.insert(idempotencyKeys).values({ key, requestHash, orderId: task.orderId });
    return { result: 'recorded', task: parsed(updated!) };
  });
}

export const TASK_STATES = ['open', 'completed', 'cancelled', 'all'] as const;

/** A warehouse's pick tasks (what its PDAs get), newest first. */
export async function warehouseTaskList(db: DbOrTx, filter: { warehouseId: string; status: (typeof TASK_STATES)[number]; limit: number }) {
  const rows = await db
    .select({
      taskId: warehouseTasks.id,
      orderId: warehouseTasks.orderId,
      warehouseId: warehouseTasks.warehouseId,
      kind: warehouseTasks.kind,
      status: warehouseTasks.status,
      lines: warehouseTasks.lines,
      carrier: warehouseTasks.carrier,
      waveId: warehouseTasks.waveId,
      scanned: warehouseTasks.scanned,
      packCheck: warehouseTasks.packCheck,
      createdAt: warehouseTasks.createdAt,
      completedAt: warehouseTasks.completedAt,
    })
    .from(warehouseTasks)
    .where(and(eq(warehouseTasks.warehouseId, filter.warehouseId), filter.status === 'all' ? undefined : eq(warehouseTasks.status, filter.status)))
    .orderBy(desc(warehouseTasks.createdAt), desc(warehouseTasks.id))
    .limit(filter.limit);
  return rows.map((r) => ({ ...r, lines: r.lines as { sku: string; quantity: number; location?: unknown }[] }));
}
