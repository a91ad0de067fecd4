/**
 * Allocation bookkeeping in PostgreSQL: the rule set, per-order allocations, transfer and purchase orders,
 * and the stock movements their receipts make. Every multi-row change runs in one transaction; rows are
 * locked in one order (transfer/purchase row first, then inventory rows via `lockStock`, which orders them
 * by warehouse and SKU) so concurrent receipts, cancels and allocations queue up instead of deadlocking.
 */
import { and, desc, eq, gt, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { allocationRuleSetSchema, DEFAULT_ALLOCATION_RULES, type AllocationRuleSet } from '../../domain/allocation';
import { supplierOfferSchema, type SkuBody, type SupplierOfferData } from '../../domain/sku';
import type { PurchaseLine } from '../../domain/stock';
import type { DbOrTx } from '../client';
import { allocationRules, inventory, orderAllocations, orders, orderLines, purchaseOrders, reservations, skus, transferOrders } from '../schema';
import { activeHolds, settleHolds } from './holds';
import { activeReservations, lockStock, settleReservations, type StockLine } from './inventory';

const RULES_ID = 'default';

// ── Rules ─────────────────────────────────────────────────────────────────────────────────────────────────

export interface StoredRuleSet {
  rules: AllocationRuleSet['rules'];
  /** 0 while the built-in default applies; each PUT adds one. */
  version: number;
  updatedAt: Date | null;
  source: 'default' | 'stored';
}

/** The rule set in force: the stored one, or the default when none was ever stored (or it no longer parses). */
export async function loadRuleSet(db: DbOrTx): Promise<StoredRuleSet & { invalid?: string }> {
  const [row] = await db.select().from(allocationRules).where(eq(allocationRules.id, RULES_ID));
  if (!row) return { ...DEFAULT_ALLOCATION_RULES, version: 0, updatedAt: null, source: 'default' };
  const parsed = allocationRuleSetSchema.safeParse(row.rules);
  if (!parsed.success) {
    return { ...DEFAULT_ALLOCATION_RULES, version: row.version, updatedAt: row.updatedAt, source: 'default', invalid: z.prettifyError(parsed.error) };
  }
  return { rules: parsed.data.rules, version: row.version, updatedAt: row.updatedAt, source: 'stored' };
}

export async function saveRuleSet(db: DbOrTx, ruleSet: AllocationRuleSet): Promise<StoredRuleSet> {
  const [row] = await db
    .insert(allocationRules)
    .values({ id: RULES_ID, rules: ruleSet, version: 1 })
    .onConflictDoUpdate({
      target: allocationRules.id,
      set: { rules: ruleSet, version: sql`${allocationRules.version} + 1`, updatedAt: sql`now()` },
    })
    .returning();
  if (!row) throw new Error('rule set upsert returned no row');
  return { rules: ruleSet.rules, version: row.version, updatedAt: row.updatedAt, source: 'stored' };
}

// ── Master data the allocator reads ──────────────────────────────────────────────────────────────────────

/** The 1688 offer per SKU; rows whose supplier does not parse count as "no supplier". */
export async function suppliersOf(db: DbOrTx, skuIds: readonly string[]): Promise<Record<string, SupplierOfferData | undefined>> {
  if (skuIds.length === 0) return {};
  const rows = await db
    .select({ sku: skus.sku, supplier: skus.supplier })
    .from(skus)
    .where(inArray(skus.sku, [...skuIds]));
  const result: Record<string, SupplierOfferData | undefined> = {};
  for (const row of rows) {
    const parsed = supplierOfferSchema.safeParse(row.supplier);
    if (parsed.success) result[row.sku] = parsed.data;
  }
  return result;
}

/** Units on their way to each warehouse (transfers in transit, purchases not yet received), per SKU. */
export async function inboundUnits(db: DbOrTx, skuIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const wanted = new Set(skuIds);
  const add = (into: Map<string, Record<string, number>>, warehouseId: string, lines: unknown) => {
    for (const line of (lines as StockLine[]) ?? []) {
      if (!wanted.has(line.sku)) continue;
      const record = into.get(warehouseId) ?? {};
      record[line.sku] = (record[line.sku] ?? 0) + line.quantity;
      into.set(warehouseId, record);
    }
  };
  const result = new Map<string, Record<string, number>>();
  if (wanted.size === 0) return result;
  const transfers = await db
    .select({ to: transferOrders.toWarehouseId, lines: transferOrders.lines })
    .from(transferOrders)
    .where(eq(transferOrders.status, 'in_transit'));
  for (const t of transfers) add(result, t.to, t.lines);
  const purchases = await db
    .select({ to: purchaseOrders.warehouseId, lines: purchaseOrders.lines })
    .from(purchaseOrders)
    .where(inArray(purchaseOrders.status, ['pending', 'placing', 'ordered', 'unknown']));
  for (const p of purchases) add(result, p.to, p.lines);
  return result;
}

export async function upsertSku(db: DbOrTx, sku: string, body: SkuBody) {
  const set = {
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.safetyStock !== undefined ? { safetyStock: body.safetyStock } : {}),
    ...(body.supplier !== undefined ? { supplier: body.supplier } : {}),
  };
  const [row] = await db
    .insert(skus)
    .values({ sku, title: body.title ?? null, safetyStock: body.safetyStock ?? 0, supplier: body.supplier ?? null })
    .onConflictDoUpdate({ target: skus.sku, set: { ...set, updatedAt: sql`now()` } })
    .returning();
  if (!row) throw new Error('sku upsert returned no row');
  return row;
}

export async function findSku(db: DbOrTx, sku: string) {
  const [row] = await db.select().from(skus).where(eq(skus.sku, sku));
  return row;
}

// ── Per-order allocation ─────────────────────────────────────────────────────────────────────────────────

export type OrderAllocationRow = typeof orderAllocations.$inferSelect;
export type TransferRow = typeof transferOrders.$inferSelect;
export type PurchaseRow = typeof purchaseOrders.$inferSelect;

export type PurchaseLineData = PurchaseLine;

/** The allocation the order holds now (not released), if any. */
export async function findActiveAllocation(db: DbOrTx, orderId: string): Promise<OrderAllocationRow | undefined> {
  const [row] = await db
    .select()
    .from(orderAllocations)
    .where(and(eq(orderAllocations.orderId, orderId), isNull(orderAllocations.releasedAt)));
  return row;
}

/** Records the allocation; a released one of the same order is replaced. */
export async function saveAllocation(db: DbOrTx, row: typeof orderAllocations.$inferInsert): Promise<void> {
  await db
    .insert(orderAllocations)
    .values(row)
    .onConflictDoUpdate({ target: orderAllocations.orderId, set: { ...row, createdAt: sql`now()`, releasedAt: null } });
}

/** Adds units to a warehouse's stock row (creating it), optionally reserving them at once. */
export async function addStock(db: DbOrTx, warehouseId: string, sku: string, onHand: number, reserved = 0): Promise<void> {
  await db
    .insert(inventory)
    .values({ warehouseId, sku, onHand, reserved })
    .onConflictDoUpdate({
      target: [inventory.warehouseId, inventory.sku],
      set: { onHand: sql`${inventory.onHand} + ${onHand}`, reserved: sql`${inventory.reserved} + ${reserved}`, updatedAt: sql`now()` },
    });
}

/** Reserves units for an order that the caller has already counted into `inventory.reserved`. */
async function addToReservation(db: DbOrTx, orderId: string, warehouseId: string, sku: string, quantity: number): Promise<void> {
  await db
    .insert(reservations)
    .values({ orderId, warehouseId, sku, quantity })
    .onConflictDoUpdate({
      target: [reservations.orderId, reservations.warehouseId, reservations.sku],
      set: {
        quantity: sql`CASE WHEN ${reservations.status} = 'active' THEN ${reservations.quantity} + ${quantity} ELSE ${quantity} END`,
        status: 'active',
        updatedAt: sql`now()`,
      },
    });
}

/** A transfer holds its units at the source until receipt: counted as reserved there, so nobody sells them. */
export async function holdAtSource(db: DbOrTx, warehouseId: string, lines: readonly StockLine[]): Promise<void> {
  for (const line of lines) {
    await db
      .update(inventory)
      .set({ reserved: sql`${inventory.reserved} + ${line.quantity}`, updatedAt: sql`now()` })
      .where(and(eq(inventory.warehouseId, warehouseId), eq(inventory.sku, line.sku)));
  }
}

export async function insertTransfer(db: DbOrTx, row: typeof transferOrders.$inferInsert): Promise<TransferRow> {
  const [created] = await db.insert(transferOrders).values(row).returning();
  if (!created) throw new Error('transfer insert returned no row');
  return created;
}

export async function insertPurchase(db: DbOrTx, row: typeof purchaseOrders.$inferInsert): Promise<PurchaseRow> {
  const [created] = await db.insert(purchaseOrders).values(row).returning();
  if (!created) throw new Error('purchase insert returned no row');
  return created;
}

export async function findTransfer(db: DbOrTx, id: string): Promise<TransferRow | undefined> {
  const [row] = await db.select().from(transferOrders).where(eq(transferOrders.id, id));
  return row;
}

export async function findPurchase(db: DbOrTx, id: string): Promise<PurchaseRow | undefined> {
  const [row] = await db.select().from(purchaseOrders).where(eq(purchaseOrders.id, id));
  return row;
}

/**
 * The order lets go of its allocation (cancel): reservations released, an in-transit transfer detached (its
 * units stay held until they arrive, then become free stock at the destination), a purchase not yet placed
 * cancelled and a placed one detached, holds still in force released. Idempotent. Returns what was released.
 */
export async function releaseOrderAllocation(db: DbOrTx, orderId: string) {
  return db.transaction(async (tx) => {
    await tx
      .update(transferOrders)
      .set({ forOrder: false })
      .where(and(eq(transferOrders.orderId, orderId), eq(transferOrders.status, 'in_transit'), eq(transferOrders.forOrder, true)));
    await tx
      .update(purchaseOrders)
      .set({ forOrder: false, status: sql`CASE WHEN ${purchaseOrders.status} = 'pending' THEN 'cancelled' ELSE ${purchaseOrders.status} END` })
      .where(and(eq(purchaseOrders.orderId, orderId), ne(purchaseOrders.status, 'received'), eq(purchaseOrders.forOrder, true)));
    const active = await activeReservations(tx, orderId);
    const held = await activeHolds(tx, orderId);
    await lockStock(tx, [...active, ...held].map((r) => r.sku));
    const released = [...(await settleReservations(tx, orderId, 'released')), ...(await settleHolds(tx, orderId, 'released'))];
    await tx
      .update(orderAllocations)
      .set({ releasedAt: sql`now()` })
      .where(and(eq(orderAllocations.orderId, orderId), isNull(orderAllocations.releasedAt)));
    return released;
  });
}

// ── Receipts ─────────────────────────────────────────────────────────────────────────────────────────────

export type ReceiptResult<Row> = { outcome: 'received'; row: Row } | { outcome: 'not-found' } | { outcome: 'conflict'; status: string };

/**
 * A transfer arrived: in one transaction the units leave the source (on hand and the hold), land at the
 * destination and, while the order still wants them, stay reserved for it there.
 */
export async function receiveTransfer(db: DbOrTx, id: string): Promise<ReceiptResult<TransferRow>> {
  return db.transaction(async (tx) => {
    const [transfer] = await tx.select().from(transferOrders).where(eq(transferOrders.id, id)).for('update');
    if (!transfer) return { outcome: 'not-found' };
    if (transfer.status !== 'in_transit') return { outcome: 'conflict', status: transfer.status };
    const lines = transfer.lines as StockLine[];
    await lockStock(
      tx,
      lines.map((l) => l.sku),
    );
    const forOrder = transfer.forOrder && transfer.orderId !== null;
    for (const line of lines) {
      await tx
        .update(inventory)
        .set({
          onHand: sql`${inventory.onHand} - ${line.quantity}`,
          reserved: sql`${inventory.reserved} - ${line.quantity}`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(inventory.warehouseId, transfer.fromWarehouseId), eq(inventory.sku, line.sku)));
      await addStock(tx, transfer.toWarehouseId, line.sku, line.quantity, forOrder ? line.quantity : 0);
      if (forOrder) await addToReservation(tx, transfer.orderId!, transfer.toWarehouseId, line.sku, line.quantity);
    }
    const [row] = await tx
      .update(transferOrders)
      .set({ status: 'received', receivedAt: sql`now()` })
      .where(eq(transferOrders.id, id))
      .returning();
    return { outcome: 'received', row: row! };
  });
}

/** A purchase arrived at its warehouse: booked in and, while the order still wants it, reserved for it. */
export async function receivePurchase(db: DbOrTx, id: string): Promise<ReceiptResult<PurchaseRow>> {
  return db.transaction(async (tx) => {
    const [purchase] = await tx.select().from(purchaseOrders).where(eq(purchaseOrders.id, id)).for('update');
    if (!purchase) return { outcome: 'not-found' };
    if (purchase.status === 'received' || purchase.status === 'cancelled') return { outcome: 'conflict', status: purchase.status };
    const lines = purchase.lines as PurchaseLineData[];
    await lockStock(
      tx,
      lines.map((l) => l.sku),
    );
    const forOrder = purchase.forOrder && purchase.orderId !== null;
    for (const line of lines) {
      await addStock(tx, purchase.warehouseId, line.sku, line.quantity, forOrder ? line.quantity : 0);
      if (forOrder) await addToReservation(tx, purchase.orderId!, purchase.warehouseId, line.sku, line.quantity);
    }
    const [row] = await tx
      .update(purchaseOrders)
      .set({ status: 'received', receivedAt: sql`now()` })
      .where(eq(purchaseOrders.id, id))
      .returning();
    return { outcome: 'received', row: row! };
  });
}

// ── Purchase placing ─────────────────────────────────────────────────────────────────────────────────────

/** Takes a pending purchase for placing; undefined when it is not pending (placed, cancelled, in flight). */
export async function claimPurchase(db: DbOrTx, id: string): Promise<PurchaseRow | undefined> {
  const [row] = await db
    .update(purchaseOrders)
    .set({ status: 'placing' })
    .where(and(eq(purchaseOrders.id, id), eq(purchaseOrders.status, 'pending')))
    .returning();
  return row;
}

/** Records what placing came to; only a purchase still `placing` changes (a receipt may have overtaken it). */
export async function settlePurchase(
  db: DbOrTx,
  id: string,
  change: Partial<Pick<PurchaseRow, 'status' | 'supplierOrderId' | 'totalFen' | 'postFeeFen' | 'failedOffers' | 'error' | 'orderedAt'>>,
): Promise<void> {
  await db
    .update(purchaseOrders)
    .set(change)
    .where(and(eq(purchaseOrders.id, id), eq(purchaseOrders.status, 'placing')));
}

// ── Lists for the API ────────────────────────────────────────────────────────────────────────────────────

export async function listTransfers(db: DbOrTx, f: { status?: string | undefined; orderId?: string | undefined; limit: number }) {
  const conditions: (SQL | undefined)[] = [
    f.status ? eq(transferOrders.status, f.status) : undefined,
    f.orderId ? eq(transferOrders.orderId, f.orderId) : undefined,
  ];
  return db
    .select()
    .from(transferOrders)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(desc(transferOrders.createdAt))
    .limit(f.limit);
}

export async function listPurchases(db: DbOrTx, f: { status?: string | undefined; orderId?: string | undefined; limit: number }) {
  const conditions: (SQL | undefined)[] = [
    f.status ? eq(purchaseOrders.status, f.status) : undefined,
    f.orderId ? eq(purchaseOrders.orderId, f.orderId) : undefined,
  ];
  return db
    .select()
    .from(purchaseOrders)
    .where(and(...conditions.filter((c) => c !== undefined)))
    .orderBy(desc(purchaseOrders.createdAt))
    .limit(f.limit);
}

// ── Waking waiting orders ────────────────────────────────────────────────────────────────────────────────

/** True when some warehouse has a sellable unit of one of these SKUs. */
export async function anyStockAvailable(db: DbOrTx, skuIds: readonly string[]): Promise<boolean> {
  if (skuIds.length === 0) return false;
  const rows = await db
    .select({ one: sql`1` })
    .from(inventory)
    .where(and(inArray(inventory.sku, [...skuIds]), gt(inventory.onHand, sql`${inventory.reserved} + ${inventory.held}`)))
    .limit(1);
  return rows.length > 0;
}

/** Urgent backordered orders with a line for this SKU, oldest first: a new supplier may let them buy. */
export async function urgentBackorderedOrdersWanting(db: DbOrTx, sku: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ orderId: orders.orderId, orderedAt: orders.orderedAt })
    .from(orders)
    .innerJoin(orderLines, eq(orderLines.orderId, orders.orderId))
    .where(and(eq(orders.status, 'BACKORDERED'), eq(orders.urgent, true), eq(orderLines.sku, sku)))
    .orderBy(orders.orderedAt);
  return rows.map((r) => r.orderId);
}
