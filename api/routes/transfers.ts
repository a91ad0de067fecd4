import { Hono } from 'hono';
import type { Db } from '../../db/client';
import { findTransfer, listTransfers, receiveTransfer, type TransferRow } from '../../db/queries/transfers';
import type { OrderClient } from '../../temporal/order-client';
import { transferReceivedSignal } from '../../workflows/contract';
import { requireScope, type ApiEnv } from '../auth';
import { notFound } from '../errors';
import { doc } from '../openapi';
import { idParam, inboundQuery, receiptOrThrow, stockArrived, type ReceiptDeps } from '../receipts';
import { tellOrder } from '../tell';
import { validate } from '../validate';

export const TRANSFER_STATUSES = ['in_transit', 'received'] as const;

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

/** `/v1/transfers`: internal transfers; the receipt moves the stock and wakes the order. */
export function transferRoutes(deps: ReceiptDeps & { db: Db; orders: OrderClient }) {
  const { db, orders } = deps;
  return new Hono<ApiEnv>()
    .get(
      '/',
      doc('Internal transfers (?status=in_transit|received&orderId=&limit=)', {
        200: '[{id, orderId, fromWarehouseId, toWarehouseId, lines, status, forOrder, distanceKm, eta, createdAt, receivedAt}]',
      }),
      requireScope('ops', 'warehouse', 'orders:read'),
      validate('query', inboundQuery(TRANSFER_STATUSES)),
      async (c) => c.json((await listTransfers(db, c.req.valid('query'))).map(presentTransfer)),
    )
    .get('/:id', doc('One transfer', { 200: 'transfer', 404: 'unknown transfer' }), requireScope('ops', 'warehouse', 'orders:read'), validate('param', idParam), async (c) => {
      const transfer = await findTransfer(db, c.req.valid('param').id);
      if (!transfer) throw notFound('transfer');
      return c.json(presentTransfer(transfer));
    })
    .post(
      '/:id/received',
      doc('Goods-in at the destination: stock moves from source to destination (still reserved for the order) and the order continues', {
        200: 'transfer',
        404: 'unknown transfer',
        409: 'already received',
      }),
      requireScope('warehouse', 'ops'),
      validate('param', idParam),
      async (c) => {
        const transfer = receiptOrThrow(await receiveTransfer(db, c.req.valid('param').id), 'transfer');
        const skus = (transfer.lines as { sku: string }[]).map((l) => l.sku);
        const rows = skus.flatMap((sku) => [
          { warehouseId: transfer.fromWarehouseId, sku },
          { warehouseId: transfer.toWarehouseId, sku },
        ]);
        await stockArrived(deps, { forOrder: transfer.forOrder, orderId: transfer.orderId, skus, rows }, (orderId) =>
          tellOrder(orders, orderId, transferReceivedSignal, { transferId: transfer.id }),
        );
        return c.json(presentTransfer(transfer));
      },
    );
}
