/**
 * Waves (波次): open pick tasks of one warehouse claimed together onto one batch pick list in walking order.
 * A task is in at most one wave: the wave's transaction claims its tasks with `FOR UPDATE SKIP LOCKED` and
 * stamps `warehouse_tasks.wave_id` before it commits, so two waves opened at the same moment split the tasks.
 */
import { and, asc, desc, eq, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { routeWave, type WavePick } from '../../domain/pick-route';
import type { StockLine } from '../../domain/stock';
import type { OpenedWave, WaveInput, WavePickLine, WaveRef } from '../../workflows/contract';
import type { DbOrTx, Tx } from '../client';
import { mergedParcelOrders, mergedParcels, warehouseTasks, waves } from '../schema';
import { appendPdaEvent } from './pda-events';
import { warehouseLayout } from './warehouses';

export type WaveRow = typeof waves.$inferSelect;
export const WAVE_STATUSES = ['open', 'packed'] as const;

export function toWaveRef(row: WaveRow): WaveRef {
  return {
    waveId: row.id,
    warehouseId: row.warehouseId,
    status: row.status as WaveRef['status'],
    carrier: row.carrier,
    cutoff: row.cutoff?.toISOString() ?? null,
    orderIds: row.orderIds,
    taskIds: row.taskIds,
    pickList: row.pickList as WavePickLine[],
    routing: row.routing as WaveRef['routing'],
    walkMeters: row.walkMeters,
    naiveWalkMeters: row.naiveWalkMeters,
    createdBy: row.createdBy as WaveRef['createdBy'],
    createdAt: row.createdAt.toISOString(),
    packedAt: row.packedAt?.toISOString() ?? null,
  };
}

/**
 * Opens the wave in one transaction: claims the qualifying tasks (open picks of the warehouse in no wave,
 * oldest first, at most `maxOrders`), routes them as one walk, stores the wave, stamps the tasks and tells the
 * warehouse's PDAs. Undefined when no task qualifies. Idempotent on the wave id: a retry after the commit
 * answers with the wave as stored.
 */
export async function openWave(db: DbOrTx, input: WaveInput): Promise<OpenedWave | undefined> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(waves).where(eq(waves.id, input.waveId));
    if (existing) {
      const tasks = await tx.select({ id: warehouseTasks.id, orderId: warehouseTasks.orderId }).from(warehouseTasks).where(inArray(warehouseTasks.id, existing.taskIds));
      return { wave: toWaveRef(existing), assignments: await assignmentsOf(tx, tasks) };
    }

    const conditions: (SQL | undefined)[] = [
      eq(warehouseTasks.warehouseId, input.warehouseId),
      eq(warehouseTasks.kind, 'pick'),
      eq(warehouseTasks.status, 'open'),
      isNull(warehouseTasks.waveId),
      input.carrier === undefined ? undefined : eq(warehouseTasks.carrier, input.carrier),
      input.cutoff === undefined ? undefined : lte(warehouseTasks.createdAt, new Date(input.cutoff)),
    ];
    // SKIP LOCKED: tasks another wave is claiming right now are left to it; PostgreSQL re-checks `wave_id is
    // null` on rows it locks, so a task claimed by a wave that committed meanwhile is not taken either.
    const tasks = await tx
      .select({ id: warehouseTasks.id, orderId: warehouseTasks.orderId, lines: warehouseTasks.lines })
      .from(warehouseTasks)
      .where(and(...conditions))
      .orderBy(asc(warehouseTasks.createdAt), asc(warehouseTasks.id))
      .limit(input.maxOrders)
      .for('update', { skipLocked: true });
    if (tasks.length === 0) return undefined;

    // One pick per task line: a task is one parcel to sort into (a merged parcel's is under its first order).
    const picks: WavePick[] = tasks.flatMap((t) => (t.lines as StockLine[]).map((l) => ({ orderId: t.orderId, sku: l.sku, quantity: l.quantity })));
    const route = routeWave(await warehouseLayout(tx, input.warehouseId), picks);
    const taskIds = tasks.map((t) => t.id);
    const orderIds = [...new Set(tasks.map((t) => t.orderId))];
    const [row] = await tx
      .insert(waves)
      .values({
        id: input.waveId,
        warehouseId: input.warehouseId,
        carrier: input.carrier ?? null,
        cutoff: input.cutoff === undefined ? null : new Date(input.cutoff),
        orderIds,
        taskIds,
        pickList: route.pickList,
        routing: route.routing,
        walkMeters: route.walkMeters,
        naiveWalkMeters: route.naiveWalkMeters,
        createdBy: input.createdBy,
      })
      .returning();
    await tx.update(warehouseTasks).set({ waveId: input.waveId }).where(inArray(warehouseTasks.id, taskIds));
    await appendPdaEvent(tx, { warehouseId: input.warehouseId, kind: 'wave', data: { waveId: input.waveId, taskIds, orderIds, pickList: route.pickList } });
    return { wave: toWaveRef(row!), assignments: await assignmentsOf(tx, tasks) };
  });
}

/** Each order to tell, with its task: the task's order, and every order still in the task's merged parcel. */
async function assignmentsOf(tx: Tx, tasks: readonly { id: string; orderId: string }[]): Promise<OpenedWave['assignments']> {
  if (tasks.length === 0) return [];
  const members = await tx
    .select({ taskId: mergedParcels.taskId, orderId: mergedParcelOrders.orderId })
    .from(mergedParcels)
    .innerJoin(mergedParcelOrders, eq(mergedParcelOrders.parcelId, mergedParcels.id))
    .where(and(inArray(mergedParcels.taskId, tasks.map((t) => t.id)), isNull(mergedParcelOrders.leftAt)))
    .orderBy(mergedParcelOrders.joinedAt, mergedParcelOrders.orderId);
  const assignments = new Map<string, { orderId: string; taskId: string }>();
  for (const { id, orderId } of tasks) {
    for (const a of [{ orderId, taskId: id }, ...members.filter((m) => m.taskId === id)]) assignments.set(`${a.orderId} ${a.taskId}`, a);
  }
  return [...assignments.values()];
}

/**
 * The wave is packed once no task in it is open any more (completed or cancelled): marked so once, with the
 * time. True when the wave is packed (now or before), false while a task is still open.
 */
export async function packWaveIfDone(db: DbOrTx, waveId: string): Promise<boolean> {
  const packed = await db
    .update(waves)
    .set({ status: 'packed', packedAt: sql`now()` })
    .where(
      and(
        eq(waves.id, waveId),
        eq(waves.status, 'open'),
        sql`not exists (select 1 from ${warehouseTasks} where ${warehouseTasks.waveId} = ${waveId} and ${warehouseTasks.status} = 'open')`,
      ),
    )
    .returning({ id: waves.id });
  if (packed.length) return true;
  const [row] = await db.select({ status: waves.status }).from(waves).where(eq(waves.id, waveId));
  return row?.status === 'packed';
}

export async function findWave(db: DbOrTx, waveId: string): Promise<WaveRef | undefined> {
  const [row] = await db.select().from(waves).where(eq(waves.id, waveId));
  return row && toWaveRef(row);
}

/** Newest first. */
export async function listWaves(
  db: DbOrTx,
  filter: { warehouseId?: string | undefined; status?: WaveRef['status'] | undefined; limit: number },
): Promise<WaveRef[]> {
  const conditions: (SQL | undefined)[] = [
    filter.warehouseId === undefined ? undefined : eq(waves.warehouseId, filter.warehouseId),
    filter.status === undefined ? undefined : eq(waves.status, filter.status),
  ];
  const rows = await db
    .select()
    .from(waves)
    .where(and(...conditions))
    .orderBy(desc(waves.createdAt), desc(waves.id))
    .limit(filter.limit);
  return rows.map(toWaveRef);
}

/** Warehouses (of `only`, when given) with open pick tasks in no wave yet: the scheduled run opens a wave in each. */
export async function warehousesWithUnwavedTasks(db: DbOrTx, only?: readonly string[]): Promise<string[]> {
  if (only?.length === 0) return [];
  const rows = await db
    .selectDistinct({ warehouseId: warehouseTasks.warehouseId })
    .from(warehouseTasks)
    .where(
      and(
        eq(warehouseTasks.kind, 'pick'),
        eq(warehouseTasks.status, 'open'),
        isNull(warehouseTasks.waveId),
        only === undefined ? undefined : inArray(warehouseTasks.warehouseId, [...only]),
      ),
    )
    .orderBy(asc(warehouseTasks.warehouseId));
  return rows.map((r) => r.warehouseId);
}
