/**
 * Return requests: through the API (an Update, refused at once with the reason) or from the sales channel
 * (a Signal; a request the order cannot accept is recorded and opens a review task).
 */
import type { StockLine } from '../../domain/stock';
import { setHandler } from '@temporalio/workflow';
import { priceReturnLines, refundFenOf, returnIdFor } from '../../domain/returns';
import { activities } from '../activities';
import { RETURN_REQUEST_REFUSED, requestReturnUpdate, returnRequestedSignal, type ChannelReturnRequest, type ReturnRef } from '../contract';
import type { Progress, Returns } from './returns-state';

export interface OpenReturnRequest {
  lines: StockLine[];
  reason: string;
  refusedByBuyer?: boolean | undefined;
  externalId?: string | undefined;
  platformRefundId?: string | undefined;
}

/** Registers the request handlers (call before the first await). */
export function registerReturnRequests(returns: Returns): void {
  const { ctx } = returns;
  setHandler(
    requestReturnUpdate,
    async (request) => {
      const existing = returns.byExternalId(request.externalId);
      const ret = existing ?? (await openReturn(returns, request, 'api'));
      return { returnId: ret.returnId, status: ctx.state.status };
    },
    {
      validator: (request) => {
        if (returns.byExternalId(request.externalId)) return; // the same request again: answered with the same return
        const why = returns.refusal(request);
        if (why) ctx.refuse(why);
      },
    },
  );

  setHandler(returnRequestedSignal, async (request) => {
    const known = returns.byExternalId(request.externalId);
    if (known) {
      // A redelivery; a poll may have opened the return before the push that names the platform's refund id.
      if (request.platformRefundId) known.platformRefundId ??= request.platformRefundId;
      return;
    }
    if (returns.refusedRequests.has(request.externalId)) return; // a redelivered push
    const lines = request.lines ?? returns.remainingLines();
    const why = returns.refusal({ lines, refusedByBuyer: request.refusedByBuyer });
    if (!why) {
      await openReturn(returns, { ...request, lines }, 'channel');
      return;
    }
    await refuseChannelRequest(returns, request, lines, why);
  });
}

/** A platform request the order cannot accept: recorded once, and a person looks at it. */
async function refuseChannelRequest(returns: Returns, request: ChannelReturnRequest, lines: StockLine[], why: string): Promise<void> {
  const { ctx } = returns;
  const { orderId } = ctx;
  returns.refusedRequests.add(request.externalId);
  await ctx.act.openReviewTask({
    id: `${RETURN_REQUEST_REFUSED}-${orderId}-${request.externalId}`,
    kind: RETURN_REQUEST_REFUSED,
    orderId,
    reason: `platform return request ${request.externalId} not accepted: ${why}`,
    data: { externalId: request.externalId, reason: request.reason, lines, why },
  });
  await ctx.record('RETURN_REQUEST_REFUSED', undefined, { externalId: request.externalId, why });
}

/** Opens the return: in the state at once (so a second request sees it), then recorded. */
export async function openReturn(returns: Returns, request: OpenReturnRequest, source: ReturnRef['source']): Promise<ReturnRef> {
  const { ctx } = returns;
  const { state, orderId } = ctx;
  const lines = priceReturnLines(request.lines, state.lines);
  const ret: ReturnRef = {
    returnId: returnIdFor(orderId, state.returns.length + 1),
    source,
    ...(request.externalId ? { externalId: request.externalId } : {}),
    ...(request.platformRefundId ? { platformRefundId: request.platformRefundId } : {}),
    reason: request.reason,
    refusedByBuyer: request.refusedByBuyer ?? false,
    status: 'requested',
    lines,
    warehouseId: returns.receivingWarehouse(request.lines),
    requestedAt: ctx.now(),
    refundFen: refundFenOf(lines),
  };
  state.returns.push(ret);
  const p: Progress = { ready: false, inbox: [], seen: new Set(), pickedUp: false, stalls: 0 };
  returns.progress.set(ret.returnId, p);
  if (ret.refusedByBuyer) ctx.deliveryRefused = true;
  await activities.recordReturnRequest({
    returnId: ret.returnId,
    orderId,
    source,
    externalId: ret.externalId,
    reason: ret.reason,
    refusedByBuyer: ret.refusedByBuyer,
    warehouseId: ret.warehouseId,
    lines,
    refundFen: ret.refundFen,
    requestedAt: ret.requestedAt,
  });
  await ctx.record('RETURN_REQUESTED', 'RETURN_REQUESTED', {
    returnId: ret.returnId,
    source,
    reason: ret.reason,
    lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
    refundFen: ret.refundFen,
    ...(ret.refusedByBuyer ? { refusedByBuyer: true } : {}),
    ...(ret.externalId ? { externalId: ret.externalId } : {}),
  });
  p.ready = true;
  return ret;
}
