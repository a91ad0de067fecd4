/**
 * Same-buyer shipment merge (合单): orders of one store for the same receiver and address, allocated to one
 * warehouse within the merge window, share a pick task and a waybill. A group is `open` while others may
 * join, `sealed` once the picker confirmed the task, `closed` when every order left it.
 */
import { and, desc, eq, gte, isNull, sql } from 'drizzle-orm';
import { pickPath } from '../../domain/pick-path';
import { mergeLines, type StockLine } from '../../domain/stock';
import type { Db, DbOrTx } from '../client';
import { mergedParcelOrders, mergedParcels, shipmentMergeSettings, warehouseTasks } from '../schema';
import { closeWarehouseTask, insertPickTask } from './warehouse-tasks';
import { warehouseLayout } from './warehouses';

export async function shipmentMergeSetting(db: DbOrTx, storeId: string) {
  const [row] = await db.select().from(shipmentMergeSettings).where(eq(shipmentMergeSettings.storeId, storeId));
  return { storeId, enabled: row?.enabled ?? false, updatedAt: row?.updatedAt ?? null };
}

export async function setShipmentMerge(db: DbOrTx, storeId: string, enabled: boolean) {
  const [row] = await db
    .insert(shipmentMergeSettings)
    .values({ storeId, enabled })
    .onConflictDoUpdate({ target: shipmentMergeSettings.storeId, set: { enabled, updatedAt: sql`now()` } })
    .returning();
  return { storeId, enabled: row!.enabled, updatedAt: row!.updatedAt };
}

export interface JoinedParcel {
  parcelId: string;
  taskId: string;
  /** Every order in the parcel, this one included, in joining order. */
  orderIds: string[];
}

/**
 * Joins the group's open parcel (opened within the window) or opens a new one with its pick task, under
 * the group's advisory lock. Undefined when the store does not merge shipments. Idempotent per order.
 */
export async function joinOrOpenParcel(
  db: Db,
  p: {
    orderId: string;
    storeId: string;
    warehouseId: string;
    groupKey: string;
    lines: StockLine[];
    windowMs: number;
    /** Runs in the transaction that opened a new parcel's pick task (carrier choice, PDA announcement). */
    onTaskOpened?: (tx: DbOrTx, task: { taskId: string; lines: StockLine[] }) => Promise<unknown>;
  },
): Promise<JoinedParcel | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`parcel:${p.groupKey}`}, 0))`);
    const [member] = await tx.select().from(mergedParcelOrders).where(eq(mergedParcelOrders.orderId, p.orderId));
    if (member) return describe(tx, member.parcelId);
    if (!(await shipmentMergeSetting(tx, p.storeId)).enabled) return undefined;

    const [open] = await tx
      .select()
      .from(mergedParcels)
      .where(
        and(
          eq(mergedParcels.groupKey, p.groupKey),
          eq(mergedParcels.status, 'open'),
          gte(mergedParcels.openedAt, sql`now() - ${`${p.windowMs} milliseconds`}::interval`),
        ),
      )
      .orderBy(desc(mergedParcels.openedAt))
      .limit(1)
      .for('update');
    if (open) {
      await tx.insert(mergedParcelOrders).values({ orderId: p.orderId, parcelId: open.id, lines: p.lines });
      await rewritePickList(tx, open.id);
      return describe(tx, open.id);
    }
    const parcelId = `parcel-${p.orderId}`;
    const taskId = `pick-${parcelId}`;
    const lines = await arranged(tx, p.warehouseId, p.lines);
    await insertPickTask(tx, { id: taskId, orderId: p.orderId, warehouseId: p.warehouseId, lines });
    await p.onTaskOpened?.(tx, { taskId, lines });
    await tx.insert(mergedParcels).values({ id: parcelId, groupKey: p.groupKey, storeId: p.storeId, warehouseId: p.warehouseId, taskId });
    await tx.insert(mergedParcelOrders).values({ orderId: p.orderId, parcelId, lines: p.lines });
    return { parcelId, taskId, orderIds: [p.orderId] };
  });
}

/**
 * The order leaves its parcel (cancelled, or readdressed): its lines come off the pick list; the last order
 * to leave cancels the pick task. Idempotent.
 */
export async function leaveParcel(db: Db, orderId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [member] = await tx.select().from(mergedParcelOrders).where(eq(mergedParcelOrders.orderId, orderId));
    if (!member) return;
    const [parcel] = await tx.select().from(mergedParcels).where(eq(mergedParcels.id, member.parcelId)).for('update');
    if (!parcel || member.leftAt) return;
    await tx.update(mergedParcelOrders).set({ leftAt: sql`now()` }).where(eq(mergedParcelOrders.orderId, orderId));
    const remaining = await activeMembers(tx, parcel.id);
    if (remaining.length === 0) {
      await tx.update(mergedParcels).set({ status: 'closed' }).where(eq(mergedParcels.id, parcel.id));
      await closeWarehouseTask(tx, parcel.taskId, 'cancelled');
    } else if (parcel.status === 'open') {
      await rewritePickList(tx, parcel.id);
    }
  });
}

/**
 * The picker confirmed the task: if it is a parcel's, nobody may join any more, and every order still in it
 * is told. Undefined when the task belongs to a single order.
 */
export async function sealParcelOfTask(db: Db, taskId: string): Promise<string[] | undefined> {
  return db.transaction(async (tx) => {
    const [parcel] = await tx.select().from(mergedParcels).where(eq(mergedParcels.taskId, taskId)).for('update');
    if (!parcel) return undefined;
    if (parcel.status === 'open') {
      await tx.update(mergedParcels).set({ status: 'sealed', sealedAt: sql`now()` }).where(eq(mergedParcels.id, parcel.id));
    }
    return (await activeMembers(tx, parcel.id)).map((m) => m.orderId);
  });
}

/** The parcel and what goes in it (every order still in it, lines summed per SKU). */
export async function parcelContents(db: DbOrTx, parcelId: string) {
  const [parcel] = await db.select().from(mergedParcels).where(eq(mergedParcels.id, parcelId));
  if (!parcel) return undefined;
  const members = await activeMembers(db, parcelId);
  return { parcel, orderIds: members.map((m) => m.orderId), lines: mergeLines(members.flatMap((m) => m.lines as StockLine[])) };
}

export async function recordParcelWaybill(db: DbOrTx, parcelId: string, carrier: string, waybillNo: string): Promise<void> {
  await db
    .update(mergedParcels)
    .set({ carrier, waybillNo })
    .where(and(eq(mergedParcels.id, parcelId), isNull(mergedParcels.waybillNo)));
}

/** The orders sharing a parcel's waybill (carrier events go to each); empty when it is no parcel's. */
export async function ordersOnParcelWaybill(db: DbOrTx, carrier: string, waybillNo: string): Promise<string[]> {
  const rows = await db
    .select({ orderId: mergedParcelOrders.orderId })
    .from(mergedParcels)
    .innerJoin(mergedParcelOrders, eq(mergedParcelOrders.parcelId, mergedParcels.id))
    .where(and(eq(mergedParcels.carrier, carrier), eq(mergedParcels.waybillNo, waybillNo), isNull(mergedParcelOrders.leftAt)))
    .orderBy(mergedParcelOrders.joinedAt, mergedParcelOrders.orderId);
  return rows.map((r) => r.orderId);
}

function activeMembers(db: DbOrTx, parcelId: string) {
  return db
    .select()
    .from(mergedParcelOrders)
    .where(and(eq(mergedParcelOrders.parcelId, parcelId), isNull(mergedParcelOrders.leftAt)))
    .orderBy(mergedParcelOrders.joinedAt, mergedParcelOrders.orderId);
}

async function arranged(tx: DbOrTx, warehouseId: string, lines: readonly StockLine[]): Promise<StockLine[]> {
  return pickPath(await warehouseLayout(tx, warehouseId), mergeLines(lines));
}

/** The pick list becomes the sum of the lines of the orders still in the parcel, in walking order. */
async function rewritePickList(tx: DbOrTx, parcelId: string): Promise<void> {
  const contents = await parcelContents(tx, parcelId);
  if (!contents) return;
  await tx
    .update(warehouseTasks)
    .set({ lines: await arranged(tx, contents.parcel.warehouseId, contents.lines) })
    .where(and(eq(warehouseTasks.id, contents.parcel.taskId), eq(warehouseTasks.status, 'open')));
}

async function describe(tx: DbOrTx, parcelId: string): Promise<JoinedParcel> {
  const contents = await parcelContents(tx, parcelId);
  return { parcelId, taskId: contents!.parcel.taskId, orderIds: contents!.orderIds };
}
