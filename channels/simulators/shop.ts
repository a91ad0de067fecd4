/**
 * What every simulated shop keeps whatever its platform: the clock, repeatable fake data, its orders and
 * listings, and a record of every write the API accepted (what tests assert on). Each simulator adds its
 * gateway, token endpoints, pushes and refunds on top, in the platform's own wire format.
 */
import type { RawOrder } from '../types';
import { Catalogue, OrderBook } from './book';
import { createRng, type Rng } from './fake-data';
import type { ChannelSimulator, RefundRecord, SimulatorOptions, StockRecord, TrackingRecord } from './types';

/** How a platform's order names itself, keeps its modified time and lists its SKUs. */
export interface OrderFormat<T, K extends keyof T> {
  idOf(order: T): string;
  /** The field holding the modified time, how the platform writes a time there and how we read it back. */
  modified: { field: K; write(at: Date): T[K]; readMs(value: T[K]): number };
  /** The SKU codes the order's lines carry: the shop lists them once the order is added. */
  skusOf(order: T): string[];
  /** What the platform calls an order, for errors; default "order". */
  noun?: string;
}

/** The ChannelSimulator members that work the same on every platform. */
export type ShopMembers<T extends RawOrder> = Pick<
  ChannelSimulator<T>,
  'addOrder' | 'updateOrder' | 'getOrder' | 'idOf' | 'stockPushes' | 'trackingWrites' | 'refundWrites' | 'setItemPrice' | 'relistSku'
>;

export interface Shop<T extends RawOrder> extends ShopMembers<T> {
  now: () => Date;
  rng: Rng;
  book: OrderBook<T>;
  catalogue: Catalogue;
  /** The same members again, to spread into the simulator without the shop's internals. */
  members: ShopMembers<T>;
}

export function openShop<T extends RawOrder, K extends keyof T>(opts: SimulatorOptions, format: OrderFormat<T, K>): Shop<T> {
  const now = opts.now ?? (() => new Date());
  const { field, write, readMs } = format.modified;
  const book = new OrderBook<T>(format.idOf, (order) => readMs(order[field]));
  const catalogue = new Catalogue();
  (opts.skus ?? []).forEach((sku) => catalogue.register(sku));

  const members: ShopMembers<T> = {
    addOrder(order) {
      format.skusOf(order).forEach((sku) => catalogue.register(sku));
      return book.put(order);
    },
    /** A change on the platform moves the modified time to now, unless the patch sets it. */
    updateOrder(id, patch) {
      const order = book.get(id);
      if (!order) throw new Error(`no ${format.noun ?? 'order'} ${id}`);
      return book.put({ ...order, ...patch, [field]: patch[field] ?? write(now()) });
    },
    getOrder: (id) => book.get(id),
    idOf: format.idOf,
    stockPushes: [] as StockRecord[],
    trackingWrites: [] as TrackingRecord[],
    refundWrites: [] as RefundRecord[],
    setItemPrice(sku, priceFen) {
      catalogue.setPrice(sku, priceFen);
    },
    relistSku(sku) {
      catalogue.relist(sku);
    },
  };
  return { now, rng: createRng(opts.seed ?? 1), book, catalogue, ...members, members };
}
