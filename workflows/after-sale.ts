/**
 * After sale: the order stays open for returns until the after-sale window closes, and for as long as a
 * return is still on its way back.
 *
 * A return is requested through the API (Update: refused at once with the reason) or by the sales channel
 * (Signal) — returns/requests.ts. The workflow books a reverse waybill, then follows it (returns/follow.ts):
 * carrier pushes arrive as signals, and every tracking interval it asks the carrier itself, so a lost push
 * never freezes the return. Every new logistics update restarts the watch; when the watch expires the order
 * goes to RETURN_REVIEW and a person gets a review task, while the workflow keeps waiting (it never gives up
 * on its own). Receipt (the carrier's "signed for", the warehouse scan, or the review task resolved
 * "received") puts the units back in stock exactly once, wakes backorders, tells purchasing, records the
 * refund and writes it back (returns/receipt.ts).
 */
import { condition } from '@temporalio/workflow';
import type { OrderStatus } from '../domain/order';
import { afterSaleClosing } from '../domain/returns';
import type { OrderContext } from './order-context';
import { follow } from './returns/follow';
import { registerReceiptHandlers } from './returns/receipt';
import { registerReturnRequests } from './returns/requests';
import { Returns } from './returns/returns-state';

/** Registers the phase's handlers (call before the first await) and returns its step. */
export function afterSalePhase(ctx: OrderContext) {
  const returns = new Returns(ctx);
  registerReturnRequests(returns);
  registerReceiptHandlers(returns);

  return {
    /**
     * Runs the after-sale window (from delivery; none when the buyer refused the parcel), following each
     * return to its end. Returns the order's final status.
     */
    async run(): Promise<OrderStatus> {
      const { state } = ctx;
      const delivered = returns.deliveredAt();
      const closesAt = delivered ? Date.parse(delivered) + ctx.timings.afterSaleWindowMs : Date.now();
      for (;;) {
        const open = state.returns.find((r) => r.status !== 'received');
        if (open) {
          await follow(returns, open);
          continue;
        }
        const left = closesAt - Date.now();
        if (left <= 0) break;
        await condition(() => state.returns.some((r) => r.status !== 'received'), left);
      }
      returns.windowClosed = true;

      const closing = afterSaleClosing(ctx.stockLines(), state.returns);
      await ctx.record(closing.type, closing.type === 'COMPLETED' ? closing.status : undefined, closing.detail);
      return state.status;
    },
  };
}
