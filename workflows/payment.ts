/** Payment: confirmed by the API (Update), by a channel (Signal), or already at ingest; unpaid too long cancels. */
import { condition, setHandler } from '@temporalio/workflow';
import { confirmPaymentUpdate, paymentReceivedSignal } from './contract';
import type { OrderContext } from './order-context';

/** Registers the phase's handlers (call before the first await) and returns its step. */
export function paymentPhase(ctx: OrderContext) {
  const { state } = ctx;
  setHandler(
    confirmPaymentUpdate,
    async (payment) => {
      await markPaid(ctx, payment.paidAt ?? ctx.now(), payment.reference);
      // Answer once the order has moved on, so the caller sees where it went (allocated, backordered, …).
      await condition(() => state.status !== 'PENDING_PAYMENT', '10 seconds');
      return state;
    },
    {
      validator: (_payment) => {
        // A merged duplicate still takes its payment: the money is recorded and a person decides the refund.
        if (state.status === 'CANCELLED') ctx.refuse(`order is ${state.status}; it can no longer be paid`);
      },
    },
  );
  setHandler(paymentReceivedSignal, async (payment) => {
    if (state.status === 'PENDING_PAYMENT' || state.status === 'MERGED') await markPaid(ctx, payment.paidAt ?? ctx.now(), payment.reference);
  });

  return {
    /** 'paid', or why not: the deadline passed or the order was cancelled first. */
    async awaitPayment(): Promise<'paid' | 'timeout' | 'cancelled'> {
      const paidAtIngest = ctx.input.order.paidAt;
      // The intake has recorded a payment made before the order reached the OMS.
      if (paidAtIngest && !ctx.adopted) await ctx.record('PAYMENT_CONFIRMED', undefined, { paidAt: paidAtIngest }, { paidAt: paidAtIngest });
      ctx.received = true;
      const settled = await condition(() => state.paidAt !== null || ctx.cancelRequested, ctx.timings.paymentTimeoutMs);
      if (ctx.cancelRequested) return 'cancelled';
      return settled ? 'paid' : 'timeout';
    },
  };
}

async function markPaid(ctx: OrderContext, paidAt: string, reference?: string): Promise<void> {
  await ctx.whenReceived();
  if (ctx.state.paidAt) return; // paying twice is the same payment
  ctx.state.paidAt = paidAt;
  await ctx.record('PAYMENT_CONFIRMED', undefined, { paidAt, ...(reference ? { reference } : {}) }, { paidAt });
}
