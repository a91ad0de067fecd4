/**
 * Stock of a SKU became sellable (stock-take, transfer or purchase received, return restocked): offer it to
 * the backordered orders wanting it, oldest first. One run per SKU (`restock-<sku>`), started or signalled
 * with signal-with-start, so bursts of receipts coalesce and an offer interrupted by a crash resumes.
 */
import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { moreStockSignal } from './contract';

// Offering waits for each order's answer in turn: allow it time, and heartbeat so a dead worker is noticed.
const { offerStockToBackorders } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function restockWorkflow(input: { skus: string[] }): Promise<void> {
  const pending = new Set(input.skus);
  setHandler(moreStockSignal, ({ skus }) => {
    for (const sku of skus) pending.add(sku);
  });
  while (pending.size > 0) {
    const skus = [...pending];
    pending.clear();
    await offerStockToBackorders({ skus });
  }
}
