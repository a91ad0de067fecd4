import { Context } from '@temporalio/activity';

/** The order client's side of restocking (temporal/order-client.ts): start a restock run, run an offer. */
export interface Backorders {
  restock(skus: string[]): Promise<void>;
  offerStock(skus: string[], onProgress: () => void): Promise<void>;
}

export interface RestockActivityDeps {
  backorders: Backorders;
}

export function createRestockActivities({ backorders }: RestockActivityDeps) {
  return {
    /** Stock became sellable inside a workflow (a return restocked): hand it to the per-SKU restock run. */
    async requestRestock(p: { skus: string[] }): Promise<void> {
      if (p.skus.length) await backorders.restock(p.skus);
    },

    /** Offers the stock to backordered orders, oldest first, heartbeating between orders. */
    async offerStockToBackorders(p: { skus: string[] }): Promise<void> {
      await backorders.offerStock(p.skus, () => Context.current().heartbeat());
    },
  };
}
