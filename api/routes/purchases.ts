import { Hono } from 'hono';
import type { Db } from '../../db/client';
import { findPurchase, listPurchases, receivePurchase, type PurchaseRow } from '../../db/queries/purchases';
import type { OrderClient } from '../../temporal/order-client';
import { purchaseReceivedSignal } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { notFound } from '../errors';
import { doc } from '../openapi';
import { idParam, inboundQuery, receiptOrThrow, stockArrived, type ReceiptDeps } from '../receipts';
import { tellOrder } from '../tell';
import { validate } from '../validate';

export const PURCHASE_STATUSES = ['pending', 'placing', 'ordered', 'failed', 'unknown', 'received', 'cancelled'] as const;

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

/** `/v1/purchases`: 1688 purchase orders; the receipt books the goods into the local warehouse and wakes the order. */
export function purchaseRoutes(deps: ReceiptDeps & { db: Db; orders: OrderClient }) {
  const { db, orders } = deps;
  return new Hono<ApiEnv>()
    .get(
      '/',
      doc('1688 purchase orders (?status=pending|placing|ordered|failed|unknown|received|cancelled&orderId=&limit=)', {
        200: '[{id, orderId, warehouseId, lines, status, supplierOrderId, totalFen, …}]',
      }),
      requireScope('ops', 'warehouse', 'orders:read'),
      validate('query', inboundQuery(PURCHASE_STATUSES)),
      async (c) => c.json((await listPurchases(db, c.req.valid('query'))).map(presentPurchase)),
    )
    .get(
      '/:id',
      doc('One purchase order', { 200: 'purchase order', 404: 'unknown purchase order' }),
      requireScope('ops', 'warehouse', 'orders:read'),
      validate('param', idParam),
      async (c) => {
        const purchase = await findPurchase(db, c.req.valid('param').id);
        if (!purchase) throw notFound('purchase order');
        return c.json(presentPurchase(purchase));
      },
    )
    .post(
      '/:id/received',
      doc('Goods-in of a purchase: booked into its warehouse (reserved for the order) and the order continues', {
        200: 'purchase order',
        404: 'unknown purchase order',
        409: 'already received or cancelled',
      }),
      requireScope('warehouse', 'ops'),
      validate('param', idParam),
      async (c) => {
        const purchase = receiptOrThrow(await receivePurchase(db, c.req.valid('param').id), 'purchase order');
        const skus = (purchase.lines as { sku: string }[]).map((l) => l.sku);
        const rows = skus.map((sku) => ({ warehouseId: purchase.warehouseId, sku }));
        await stockArrived(deps, { forOrder: purchase.forOrder, orderId: purchase.orderId, skus, rows }, (orderId) =>
          tellOrder(orders, orderId, purchaseReceivedSignal, { purchaseOrderId: purchase.id }),
        );
        return c.json(presentPurchase(purchase));
      },
    );
}
