import { describe, expect, it } from 'vitest';
import type { StoreCredentials } from '../../channels/types';
import { cachedCredentials } from '../../ingest/stores';

const TTL_MS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A store lookup whose answers the test releases one by one, counting the lookups. */
function gatedLoad() {
  const waiting: ((secret: string) => void)[] = [];
  const load = (storeId: string) =>
    new Promise<StoreCredentials>((resolve) => {
      waiting.push((appSecret) => resolve({ storeId, platform: 'douyin', shopId: '1', appKey: 'k', appSecret }));
    });
  return { load, waiting, answer: (secret: string) => waiting.shift()!(secret) };
}

/** A cache whose entry for douyin-1 (secret s1) is older than the TTL, and the gated lookup behind it. */
async function staleCache() {
  const gate = gatedLoad();
  const credentials = cachedCredentials(gate.load, TTL_MS);
  const first = credentials('douyin-1');
  gate.answer('s1');
  await first;
  await sleep(TTL_MS * 3);
  return { gate, credentials };
}

describe('cached store credentials', () => {
  it('when many pushes ask at once, then one lookup answers them all', async () => {
    const gate = gatedLoad();
    const credentials = cachedCredentials(gate.load, TTL_MS);
    const asked = Array.from({ length: 50 }, () => credentials('douyin-1'));
    expect(gate.waiting).toHaveLength(1);
    gate.answer('s1');
    expect((await Promise.all(asked)).map((c) => c?.appSecret)).toEqual(Array(50).fill('s1'));
  });

  it('when the credentials are older than the TTL, then pushes are answered with them at once while they are looked up again', async () => {
    const { gate, credentials } = await staleCache();

    // Stale: answered at once (the lookup is still waiting), and one lookup is under way.
    expect((await credentials('douyin-1'))?.appSecret).toBe('s1');
    expect((await credentials('douyin-1'))?.appSecret).toBe('s1');
    expect(gate.waiting).toHaveLength(1);
    gate.answer('s2');
    await sleep(0);
    expect((await credentials('douyin-1'))?.appSecret).toBe('s2');
  });

  it('when a fresh lookup is asked for (a signature did not verify), then it waits for the store as it is now', async () => {
    const { gate, credentials } = await staleCache();
    void credentials('douyin-1'); // a stale hit starts a lookup in the background

    let settled = false;
    const fresh = credentials('douyin-1', { fresh: true }).then((c) => ((settled = true), c));
    await sleep(5);
    expect(settled).toBe(false);
    while (gate.waiting.length) gate.answer('rotated');
    expect((await fresh)?.appSecret).toBe('rotated');
  });
});
