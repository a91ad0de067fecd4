/** The in-memory state every simulator keeps: orders by id and the shop's listings by SKU code. */
import type { Context } from 'hono';
import { createRng, digits, hashOf, productOf } from './fake-data';

export class OrderBook<T> {
  private readonly orders = new Map<string, T>();

  constructor(
    private readonly idOf: (order: T) => string,
    /** Modified time in epoch milliseconds. */
    private readonly modifiedAt: (order: T) => number,
  ) {}

  put(order: T): T {
    this.orders.set(this.idOf(order), order);
    return order;
  }

  get(id: string): T | undefined {
    return this.orders.get(id);
  }

  /** Orders modified in [from, to), oldest first: windows are half-open so adjacent windows never overlap. */
  changedBetween(fromMs: number, toMs: number): T[] {
    return [...this.orders.values()]
      .filter((o) => this.modifiedAt(o) >= fromMs && this.modifiedAt(o) < toMs)
      .sort((a, b) => this.modifiedAt(a) - this.modifiedAt(b) || this.idOf(a).localeCompare(this.idOf(b)));
  }
}

export interface Listing {
  sku: string;
  productId: string;
  skuId: string;
}

/** Listing ids are derived from the SKU code, so every order and stock call agrees on them. */
export function listingOf(sku: string): Listing {
  const rng = createRng(hashOf(sku));
  return { sku, productId: digits(rng, 12), skuId: digits(rng, 13) };
}

/** The SKUs the simulated shop has listed: stock updates for anything else are refused. */
export class Catalogue {
  private readonly bySku = new Map<string, Listing>();

  register(sku: string): Listing {
    const listing = this.bySku.get(sku) ?? listingOf(sku);
    this.bySku.set(sku, listing);
    return listing;
  }

  /** The listed (selling) price in fen; a listing never priced sells at its product's price (`productOf`). */
  priceOf(sku: string): number {
    return this.prices.get(sku) ?? productOf(sku).unitPriceFen;
  }

  /** Lists the SKU (if it was not) at this price, as the seller would in the platform's back office. */
  setPrice(sku: string, priceFen: number): Listing {
    const listing = this.register(sku);
    this.prices.set(sku, priceFen);
    return listing;
  }

  private readonly prices = new Map<string, number>();

  find(sku: string): Listing | undefined {
    return this.bySku.get(sku);
  }

  /** The seller moves the SKU to a new listing (new item and SKU ids); the old ids are gone. */
  relist(sku: string): Listing {
    const before = this.register(sku);
    const rng = createRng(hashOf(`${before.productId}/${before.skuId}`));
    const listing = { sku, productId: digits(rng, 12), skuId: digits(rng, 13) };
    this.bySku.set(sku, listing);
    return listing;
  }

  findByIds(productId: string, skuId: string): Listing | undefined {
    return [...this.bySku.values()].find((l) => l.productId === productId && l.skuId === skuId);
  }

  all(): Listing[] {
    return [...this.bySku.values()];
  }
}

/** Reads a request's parameters the way form-posting gateways accept them: query string and form body together. */
export async function formParams(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fromBody = Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return { ...c.req.query(), ...Object.fromEntries(fromBody) };
}

/** An id as a JSON literal the way platforms send it: all-digit ids as bare numbers, even beyond 2^53. */
export function idLiteral(id: string): string {
  return /^\d+$/.test(id) ? id : JSON.stringify(id);
}

/** A numeric id as a JSON number when it fits, as platforms send small ids; otherwise the string. */
export function asJsonId(id: string): number | string {
  return /^\d+$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : id;
}

/** Message ids unique across simulator runs, so a receiver de-duplicating on them never drops a new push. */
export function messageIds(now: () => Date): () => string {
  let seq = 0;
  return () => `${now().getTime()}${String((seq += 1) % 1_000_000).padStart(6, '0')}`;
}
