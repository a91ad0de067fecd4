/**
 * WeChat's stock call wants product_id + sku_id, and no call finds a SKU by merchant code. So we read the
 * shop's catalogue once (product list, then each product) and keep a code → listings index per store for
 * a few minutes; a code missing from the index triggers one re-read, for SKUs listed since, and so does a
 * listing the stock call refused (channels/listings.ts).
 */
import { expectShape } from '../http';
import type { StoreCredentials } from '../types';
import { baseUrlOf, wechatCall } from './api';
import { productGetResponse, productListResponse } from './wire';

export interface Listing {
  productId: string;
  skuId: string;
}

const TTL_MS = 10 * 60 * 1000;
const PAGE_SIZE = 30;
const indexes = new Map<string, { builtAt: number; byCode: Map<string, Listing[]> }>();

/** `reread`: read the catalogue again whatever the index holds (a listing it gave was refused). */
export async function listingsOf(store: StoreCredentials, skuCode: string, { reread = false }: { reread?: boolean } = {}): Promise<Listing[]> {
  const key = `${baseUrlOf(store)}\n${store.storeId}`;
  const cached = indexes.get(key);
  const fresh = !reread && cached !== undefined && Date.now() - cached.builtAt < TTL_MS;
  const hit = fresh ? cached.byCode.get(skuCode) : undefined;
  if (hit) return hit;
  const byCode = await readCatalogue(store);
  indexes.set(key, { builtAt: Date.now(), byCode });
  return byCode.get(skuCode) ?? [];
}

async function readCatalogue(store: StoreCredentials): Promise<Map<string, Listing[]>> {
  const byCode = new Map<string, Listing[]>();
  let nextKey = '';
  do {
    const list = expectShape(
      { platform: 'wechat', method: '/channels/ec/product/list/get' },
      productListResponse,
      await wechatCall(store, '/channels/ec/product/list/get', { page_size: PAGE_SIZE, next_key: nextKey }),
    );
    for (const productId of list.product_ids) {
      const { product } = expectShape(
        { platform: 'wechat', method: '/channels/ec/product/get' },
        productGetResponse,
        await wechatCall(store, '/channels/ec/product/get', { product_id: String(productId) }),
      );
      for (const sku of product.skus) {
        if (!sku.sku_code) continue;
        const listing = { productId: String(product.product_id), skuId: String(sku.sku_id) };
        byCode.set(sku.sku_code, [...(byCode.get(sku.sku_code) ?? []), listing]);
      }
    }
    nextKey = list.product_ids.length > 0 ? (list.next_key ?? '') : '';
  } while (nextKey !== '');
  return byCode;
}
