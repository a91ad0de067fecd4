/** Listed prices read through each platform's client from its simulator, over real HTTP on port 0. */
import { afterEach, describe, expect, it } from 'vitest';
import { adapterFor } from '../../channels';
import { startSimulator, type RunningSimulator } from '../../channels/simulators';
import { productOf } from '../../channels/simulators/fake-data';
import { PLATFORMS, type StoreCredentials } from '../../channels/types';

describe.each(PLATFORMS)('%s item price', (platform) => {
  let running: RunningSimulator | undefined;
  afterEach(() => running?.close());

  it('reads the listed price in fen, follows a change made on the platform, and knows nothing of SKUs not listed', async () => {
    const appKey = `${platform}-key`;
    const appSecret = `${platform}-secret`;
    running = await startSimulator(platform, { appKey, appSecret, skus: ['CUP-500'], seed: 7 });
    const store: StoreCredentials = { storeId: `price-${platform}`, platform, shopId: 'shop-1', appKey, appSecret, baseUrl: running.baseUrl };
    const adapter = adapterFor(platform);
    expect(adapter.itemPrice).toBeDefined();
    // A listing never priced sells at its product's price.
    await expect(adapter.itemPrice!(store, 'CUP-500')).resolves.toBe(productOf('CUP-500').unitPriceFen);
    running.sim.setItemPrice('CUP-500', 12_345);
    await expect(adapter.itemPrice!(store, 'CUP-500')).resolves.toBe(12_345);
    // Priced in the back office after the shop's catalogue was first read (WeChat caches it): listed now.
    running.sim.setItemPrice('TEA-250', 990);
    await expect(adapter.itemPrice!(store, 'TEA-250')).resolves.toBe(990);
    await expect(adapter.itemPrice!(store, 'NOT-LISTED')).resolves.toBeUndefined();
  });
});
