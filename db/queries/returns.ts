import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { ConditionedLine, PricedLine } from '../../domain/returns';
import type { ReturnRef } from '../../workflows/contract';
import type { DbOrTx } from '../client';
import { inventory, purchasingNotifications, quarantineStock, returnReceipts, returnRefunds, returns, shipments } from '../schema';

export interface NewReturn {
  returnId: string;
  orderId: string;
  source: 'api' | 'channel';
  externalId?: string | undefined;
  reason: string;
  refusedByBuyer: boolean;
  warehouseId: string;
  lines: PricedLine[];
  refundFen: number;
  requestedAt: string;
}

/** Records a requested return once (a retried activity changes nothing). */
export async function insertReturn(db: DbOrTx, r: NewReturn): Promise<void> {
  await db
    .insert(returns)
    .values({
      returnId: r.returnId,
      orderId: r.orderId,
      source: r.source,
      externalId: r.externalId ?? null,
      reason: r.reason,
      refusedByBuyer: r.refusedByBuyer,
      status: 'requested',
      warehouseId: r.warehouseId,
      lines: r.lines,
      refundFen: r.refundFen,
      requestedAt: new Date(r.requestedAt),
    })
    .onConflictDoNothing();
}

/**
 * Records the reverse waybill on the return and in `shipments` (direction `return`), where the carrier
 * webhook looks up which order a pushed waybill belongs to. Idempotent.
 */
export async function recordReturnWaybill(
  db: DbOrTx,
  p: { returnId: string; orderId: string; warehouseId: string; carrier: string; waybillNo: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(shipments)
      .values({
        id: `ship-${p.returnId}`,
        orderId: p.orderId,
        warehouseId: p.warehouseId,
        direction: 'return',
        carrier: p.carrier,
        waybillNo: p.waybillNo,
        status: 'created',
      })
      .onConflictDoNothing();
    await tx
      .update(returns)
      .set({ carrier: p.carrier, waybillNo: p.waybillNo, updatedAt: sql`now()` })
      .where(eq(returns.returnId, p.returnId));
  });
}

/** Mirrors the workflow's view of a return (status, last carrier event) into the read model. */
export async function updateReturnProgress(
  db: DbOrTx,
  p: { returnId: string; status: string; carrierStatus?: string | undefined; lastUpdateAt?: string | undefined },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(returns)
      .set({
        status: p.status,
        ...(p.carrierStatus ? { carrierStatus: p.carrierStatus } : {}),
        ...(p.lastUpdateAt ? { lastUpdateAt: new Date(p.lastUpdateAt) } : {}),
        updatedAt: sql`now()`,
      })
      // A late retry never moves a received return back.
      .where(and(eq(returns.returnId, p.returnId), sql`${returns.status} <> 'received'`))
      .returning({ carrier: returns.carrier, waybillNo: returns.waybillNo });
    if (row?.carrier && row.waybillNo && p.carrierStatus) {
      await tx
        .update(shipments)
        .set({ status: shipmentStatusOf(p.carrierStatus), ...(p.lastUpdateAt ? { lastEventAt: new Date(p.lastUpdateAt) } : {}) })
        .where(and(eq(shipments.carrier, row.carrier), eq(shipments.waybillNo, row.waybillNo)));
    }
  });
}

function shipmentStatusOf(kind: string): string {
  if (kind === 'out_for_delivery') return 'in_transit';
  return kind;
}

export interface ReceiptInput {
  returnId: string;
  orderId: string;
  channel: string;
  warehouseId: string;
  receivedBy: 'carrier' | 'warehouse' | 'review';
  scannedBy?: string | undefined;
  lines: ConditionedLine[];
  refundFen: number;
}

export interface ReceiptOutcome {
  /** False when this return had been received before: nothing was changed this time. */
  applied: boolean;
  /** What the stored receipt says came back (the first receipt wins). */
  lines: ConditionedLine[];
  refundFen: number;
}

/**
 * Receives a return, exactly once per return id, in one transaction: the receipt row, the resaleable units
 * back on hand (hence available) in the receiving warehouse, the damaged ones into quarantine, one purchasing
 * notification per SKU, the refund owed, and the return marked received. A second call (the carrier's
 * "signed for" after the warehouse scan, a retried activity) finds the receipt and changes nothing.
 */
export async function applyReturnReceipt(db: DbOrTx, r: ReceiptInput): Promise<ReceiptOutcome> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(returnReceipts)
      .values({
        returnId: r.returnId,
        orderId: r.orderId,
        warehouseId: r.warehouseId,
        receivedBy: r.receivedBy,
        scannedBy: r.scannedBy ?? null,
        lines: r.lines,
      })
      .onConflictDoNothing()
      .returning({ returnId: returnReceipts.returnId });
    if (inserted.length === 0) {
      const [receipt] = await tx.select().from(returnReceipts).where(eq(returnReceipts.returnId, r.returnId));
      const [refund] = await tx.select().from(returnRefunds).where(eq(returnRefunds.returnId, r.returnId));
      return { applied: false, lines: (receipt?.lines ?? []) as ConditionedLine[], refundFen: refund?.amountFen ?? r.refundFen };
    }

    const bySku = new Map<string, { resaleable: number; damaged: number }>();
    for (const line of r.lines) {
      const entry = bySku.get(line.sku) ?? { resaleable: 0, damaged: 0 };
      entry[line.condition] += line.quantity;
      bySku.set(line.sku, entry);
    }
    // One lock order (sku ascending, one warehouse) as reservations use: no deadlock with concurrent orders.
    for (const [sku, { resaleable, damaged }] of [...bySku].sort(([a], [b]) => a.localeCompare(b))) {
      if (resaleable > 0) {
        await tx
          .insert(inventory)
          .values({ warehouseId: r.warehouseId, sku, onHand: resaleable })
          .onConflictDoUpdate({
            target: [inventory.warehouseId, inventory.sku],
            set: { onHand: sql`${inventory.onHand} + ${resaleable}`, updatedAt: sql`now()` },
          });
      }
      if (damaged > 0) {
        await tx
          .insert(quarantineStock)
          .values({ warehouseId: r.warehouseId, sku, quantity: damaged })
          .onConflictDoUpdate({
            target: [quarantineStock.warehouseId, quarantineStock.sku],
            set: { quantity: sql`${quarantineStock.quantity} + ${damaged}`, updatedAt: sql`now()` },
          });
      }
      await tx
        .insert(purchasingNotifications)
        .values({
          id: `${r.returnId}:${sku}`,
          kind: 'return-received',
          sku,
          warehouseId: r.warehouseId,
          returnId: r.returnId,
          orderId: r.orderId,
          resaleable,
          damaged,
          message: `return ${r.returnId}: ${resaleable} unit(s) of ${sku} back in stock at ${r.warehouseId}, ${damaged} in quarantine; adjust the replenishment suggestion`,
        })
        .onConflictDoNothing();
    }
    await tx
      .insert(returnRefunds)
      .values({ returnId: r.returnId, orderId: r.orderId, channel: r.channel, amountFen: r.refundFen })
      .onConflictDoNothing();
    await tx
      .update(returns)
      .set({ status: 'received', receivedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(returns.returnId, r.returnId));
    return { applied: true, lines: r.lines, refundFen: r.refundFen };
  });
}

/** Purchasing notifications not yet passed on (the outbox), oldest first. */
export async function pendingPurchasingNotifications(db: DbOrTx, returnId: string) {
  return db
    .select()
    .from(purchasingNotifications)
    .where(and(eq(purchasingNotifications.returnId, returnId), isNull(purchasingNotifications.notifiedAt)))
    .orderBy(asc(purchasingNotifications.createdAt), asc(purchasingNotifications.sku));
}

export async function markPurchasingNotified(db: DbOrTx, id: string): Promise<void> {
  await db.update(purchasingNotifications).set({ notifiedAt: sql`now()` }).where(eq(purchasingNotifications.id, id));
}

export async function setRefundWriteBack(
  db: DbOrTx,
  p: { returnId: string; status: 'written_back' | 'not_applicable' | 'manual' | 'refused'; reference?: string | undefined },
): Promise<void> {
  await db
    .update(returnRefunds)
    .set({
      status: p.status,
      reference: p.reference ?? null,
      ...(p.status === 'written_back' ? { writtenBackAt: sql`now()` } : {}),
    })
    .where(eq(returnRefunds.returnId, p.returnId));
}

export async function findReturn(db: DbOrTx, returnId: string) {
  const [row] = await db.select().from(returns).where(eq(returns.returnId, returnId));
  return row;
}

/** A return with its receipt, refund and what purchasing was told. */
export async function returnDetail(db: DbOrTx, returnId: string) {
  const row = await findReturn(db, returnId);
  if (!row) return undefined;
  const [[receipt], [refund], notifications] = await Promise.all([
    db.select().from(returnReceipts).where(eq(returnReceipts.returnId, returnId)),
    db.select().from(returnRefunds).where(eq(returnRefunds.returnId, returnId)),
    db.select().from(purchasingNotifications).where(eq(purchasingNotifications.returnId, returnId)).orderBy(asc(purchasingNotifications.sku)),
  ]);
  return { ...row, receipt: receipt ?? null, refund: refund ?? null, purchasingNotifications: notifications };
}

export async function listReturns(db: DbOrTx, f: { orderId?: string | undefined; status?: string | undefined; limit: number }) {
  const conditions: (SQL | undefined)[] = [f.orderId ? eq(returns.orderId, f.orderId) : undefined, f.status ? eq(returns.status, f.status) : undefined];
  return db
    .select()
    .from(returns)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(desc(returns.requestedAt), desc(returns.returnId))
    .limit(f.limit);
}

export async function listQuarantine(db: DbOrTx, f: { warehouseId?: string | undefined; sku?: string | undefined }) {
  const conditions: (SQL | undefined)[] = [
    f.warehouseId ? eq(quarantineStock.warehouseId, f.warehouseId) : undefined,
    f.sku ? eq(quarantineStock.sku, f.sku) : undefined,
  ];
  return db
    .select({ warehouseId: quarantineStock.warehouseId, sku: quarantineStock.sku, quantity: quarantineStock.quantity, updatedAt: quarantineStock.updatedAt })
    .from(quarantineStock)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(asc(quarantineStock.sku), asc(quarantineStock.warehouseId));
}

/** The returns of an order as the workflow shows them, for orders whose workflow Temporal no longer holds. */
export async function storedReturnRefs(db: DbOrTx, orderId: string): Promise<ReturnRef[]> {
  const rows = await db.select().from(returns).where(eq(returns.orderId, orderId)).orderBy(asc(returns.requestedAt));
  const receipts = rows.length
    ? await db.select().from(returnReceipts).where(eq(returnReceipts.orderId, orderId))
    : [];
  return rows.map((r) => {
    const receipt = receipts.find((x) => x.returnId === r.returnId);
    return {
      returnId: r.returnId,
      source: r.source as ReturnRef['source'],
      ...(r.externalId ? { externalId: r.externalId } : {}),
      reason: r.reason,
      refusedByBuyer: r.refusedByBuyer,
      status: r.status as ReturnRef['status'],
      lines: r.lines as PricedLine[],
      warehouseId: r.warehouseId,
      requestedAt: r.requestedAt.toISOString(),
      ...(r.carrier ? { carrier: r.carrier } : {}),
      ...(r.waybillNo ? { waybillNo: r.waybillNo } : {}),
      ...(r.carrierStatus ? { carrierStatus: r.carrierStatus as NonNullable<ReturnRef['carrierStatus']> } : {}),
      ...(r.lastUpdateAt ? { lastUpdateAt: r.lastUpdateAt.toISOString() } : {}),
      ...(r.receivedAt ? { receivedAt: r.receivedAt.toISOString() } : {}),
      ...(receipt ? { receivedBy: receipt.receivedBy as NonNullable<ReturnRef['receivedBy']>, received: receipt.lines as ConditionedLine[] } : {}),
      refundFen: r.refundFen,
    };
  });
}

/** Refunds recorded for the orders' returns (not those the platform refused), per order. */
export async function returnRefundsByOrder(db: DbOrTx, orderIds: readonly string[]): Promise<Map<string, number>> {
  if (orderIds.length === 0) return new Map();
  const found = await db.execute<{ orderId: string; fen: number }>(
    sql`select order_id as "orderId", sum(amount_fen)::int as fen from return_refunds where order_id = any(${sql.param([...orderIds])}::text[]) and status <> 'refused' group by 1`,
  );
  return new Map(found.rows.map((f) => [f.orderId, f.fen]));
}
