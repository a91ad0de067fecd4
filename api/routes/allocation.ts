/**
 * Allocation over HTTP: the rule set (GET/PUT /v1/allocation/rules), transfers and purchases with their
 * receipts, SKU master data (safety stock, 1688 supplier) and replenishment alerts.
 */
import { WorkflowNotFoundError } from '@temporalio/common';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import {
  findPurchase,
  findSku,
  findTransfer,
  listPurchases,
  listTransfers,
  loadRuleSet,
  receivePurchase,
  receiveTransfer,
  saveRuleSet,
  upsertSku,
  urgentBackorderedOrdersWanting,
  type PurchaseRow,
  type ReceiptResult,
  type TransferRow,
} from '../../db/queries/allocation';
import { listAlerts } from '../../db/queries/allocation-replenishment';
import { allocationRuleSetSchema } from '../../domain/allocation';
import { skuBodySchema } from '../../domain/sku';
import type { ReplenishmentMonitor } from '../../replenishment/monitor';
import type { OrderClient } from '../../temporal/order-client';
import { purchaseReceivedSignal, stockReplenishedSignal, transferReceivedSignal } from '../../workflows/contract';
import { requireScope, type Caller } from '../auth';
import { conflict, notFound } from '../errors';
import { validate } from '../validate';

export interface AllocationRoutesDeps {
  db: Db;
  orders: OrderClient;
  /** Stock became sellable: offer it to the backordered orders (oldest first). */
  onStockReceived: (skus: string[]) => Promise<void>;
  replenishment?: ReplenishmentMonitor | undefined;
}

type Env = { Variables: { caller: Caller } };

const idParam = z.object({ id: z.string().min(1).max(120) });
const skuParam = z.object({ sku: z.string().trim().min(1).max(64) });
const inboundQuery = (statuses: readonly [string, ...string[]]) =>
  z.object({
    status: z.enum(statuses).optional(),
    orderId: z.string().min(1).max(80).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  });
const alertQuery = z.object({
  state: z.enum(['open', 'resolved', 'all']).default('open'),
  warehouseId: z.string().min(1).max(32).optional(),
  sku: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const TRANSFER_STATUSES = ['in_transit', 'received'] as const;
export const PURCHASE_STATUSES = ['pending', 'placing', 'ordered', 'failed', 'unknown', 'received', 'cancelled'] as const;

const presentTransfer = (t: TransferRow) => ({
  id: t.id,
  orderId: t.orderId,
  fromWarehouseId: t.fromWarehouseId,
  toWarehouseId: t.toWarehouseId,
  lines: t.lines,
  status: t.status,
  forOrder: t.forOrder,
  distanceKm: t.distanceKm,
  eta: t.eta,
  createdAt: t.createdAt,
  receivedAt: t.receivedAt,
});

const presentPurchase = (p: PurchaseRow) => ({
  id: p.id,
  orderId: p.orderId,
  warehouseId: p.warehouseId,
  lines: p.lines,
  status: p.status,
  forOrder: p.forOrder,
  supplier: p.supplier,
  supplierOrderId: p.supplierOrderId,
  totalFen: p.totalFen,
  postFeeFen: p.postFeeFen,
  failedOffers: p.failedOffers,
  error: p.error,
  createdAt: p.createdAt,
  orderedAt: p.orderedAt,
  receivedAt: p.receivedAt,
});

/** GET/PUT /v1/allocation/rules */
export function allocationRuleRoutes({ db }: Pick<AllocationRoutesDeps, 'db'>) {
  return new Hono<Env>()
    .get('/rules', requireScope('orders:read', 'ops'), async (c) => {
      const { invalid: _invalid, ...ruleSet } = await loadRuleSet(db);
      return c.json(ruleSet);
    })
    .put('/rules', requireScope('admin'), validate('json', allocationRuleSetSchema), async (c) => {
      return c.json(await saveRuleSet(db, c.req.valid('json')));
    });
}

/** Signals the order waiting for a receipt; an order that no longer runs has nothing to wake. */
async function tell(orders: OrderClient, orderId: string, send: (handle: ReturnType<OrderClient['handle']>) => Promise<void>): Promise<void> {
  try {
    await send(orders.handle(orderId));
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

function receiptOrThrow<Row>(result: ReceiptResult<Row>, what: string): Row {
  if (result.outcome === 'not-found') throw notFound(what);
  if (result.outcome === 'conflict') throw conflict(`${what} is ${result.status}; it cannot be received`);
  return result.row;
}

/** /v1/transfers */
export function transferRoutes({ db, orders, onStockReceived, replenishment }: AllocationRoutesDeps) {
  return new Hono<Env>()
    .get('/', requireScope('ops', 'warehouse', 'orders:read'), validate('query', inboundQuery(TRANSFER_STATUSES)), async (c) => {
      return c.json((await listTransfers(db, c.req.valid('query'))).map(presentTransfer));
    })
    .get('/:id', requireScope('ops', 'warehouse', 'orders:read'), validate('param', idParam), async (c) => {
      const transfer = await findTransfer(db, c.req.valid('param').id);
      if (!transfer) throw notFound('transfer');
      return c.json(presentTransfer(transfer));
    })
    .post('/:id/received', requireScope('warehouse', 'ops'), validate('param', idParam), async (c) => {
      const transfer = receiptOrThrow(await receiveTransfer(db, c.req.valid('param').id), 'transfer');
      const lines = transfer.lines as { sku: string }[];
      if (transfer.forOrder && transfer.orderId) {
        await tell(orders, transfer.orderId, (h) => h.signal(transferReceivedSignal, { transferId: transfer.id }));
      } else {
        await onStockReceived(lines.map((l) => l.sku));
      }
      await replenishment?.check(lines.flatMap((l) => [
        { warehouseId: transfer.fromWarehouseId, sku: l.sku },
        { warehouseId: transfer.toWarehouseId, sku: l.sku },
      ]));
      return c.json(presentTransfer(transfer));
    });
}

/** /v1/purchases */
export function purchaseRoutes({ db, orders, onStockReceived, replenishment }: AllocationRoutesDeps) {
  return new Hono<Env>()
    .get('/', requireScope('ops', 'warehouse', 'orders:read'), validate('query', inboundQuery(PURCHASE_STATUSES)), async (c) => {
      return c.json((await listPurchases(db, c.req.valid('query'))).map(presentPurchase));
    })
    .get('/:id', requireScope('ops', 'warehouse', 'orders:read'), validate('param', idParam), async (c) => {
      const purchase = await findPurchase(db, c.req.valid('param').id);
      if (!purchase) throw notFound('purchase order');
      return c.json(presentPurchase(purchase));
    })
    .post('/:id/received', requireScope('warehouse', 'ops'), validate('param', idParam), async (c) => {
      const purchase = receiptOrThrow(await receivePurchase(db, c.req.valid('param').id), 'purchase order');
      const lines = purchase.lines as { sku: string }[];
      if (purchase.forOrder && purchase.orderId) {
        await tell(orders, purchase.orderId, (h) => h.signal(purchaseReceivedSignal, { purchaseOrderId: purchase.id }));
      } else {
        await onStockReceived(lines.map((l) => l.sku));
      }
      await replenishment?.check(lines.map((l) => ({ warehouseId: purchase.warehouseId, sku: l.sku })));
      return c.json(presentPurchase(purchase));
    });
}

/** /v1/skus: master data the allocation reads. */
export function skuRoutes({ db, orders, replenishment }: AllocationRoutesDeps) {
  return new Hono<Env>()
    .get('/:sku', requireScope('orders:read', 'ops', 'warehouse'), validate('param', skuParam), async (c) => {
      const row = await findSku(db, c.req.valid('param').sku);
      if (!row) throw notFound('sku');
      return c.json(row);
    })
    .put('/:sku', requireScope('admin'), validate('param', skuParam), validate('json', skuBodySchema), async (c) => {
      const { sku } = c.req.valid('param');
      const body = c.req.valid('json');
      const row = await upsertSku(db, sku, body);
      if (body.safetyStock !== undefined) await replenishment?.checkSku(sku);
      // A supplier lets urgent orders waiting for this SKU buy it now.
      if (body.supplier) {
        for (const orderId of await urgentBackorderedOrdersWanting(db, sku)) {
          await tell(orders, orderId, (h) => h.signal(stockReplenishedSignal, { skus: [sku] }));
        }
      }
      return c.json(row);
    });
}

/** /v1/replenishment: alerts raised when available stock fell below the safety stock. */
export function replenishmentRoutes({ db }: Pick<AllocationRoutesDeps, 'db'>) {
  return new Hono<Env>().get('/', requireScope('ops', 'warehouse', 'orders:read'), validate('query', alertQuery), async (c) => {
    return c.json(await listAlerts(db, c.req.valid('query')));
  });
}
