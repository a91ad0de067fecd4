/**
 * The behaviour every platform client must show against its simulator, over real HTTP on port 0.
 * Each platform's adapter.test.ts runs it with that platform's codes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapterFor, ChannelApiError } from '../../channels';
import { type RunningSimulator, startSimulator } from '../../channels/simulators';
import type { Platform, StoreCredentials } from '../../channels/types';
import { applyMapping } from '../../domain/mapping';

export interface ContractCase {
  platform: Platform;
  /** The carrier codes the platform expects, as the simulator records them. */
  carrierCodes: { sf: string; jd: string };
  /** The platform error code a request signed (or authorised) with the wrong secret gets. */
  wrongSecretCode: string;
  /** Whether the platform's order JSON names the open refund (PDD's order API does not: only its push does). */
  refundIdInOrder: boolean;
}

const T0 = new Date('2024-05-01T12:00:00Z');
const minutesBefore = (minutes: number) => new Date(T0.getTime() - minutes * 60_000);
const SKUS = ['TEE-WHT-M', 'CUP-500', 'TEA-250'];

export function adapterContract({ platform, carrierCodes, wrongSecretCode, refundIdInOrder }: ContractCase): void {
  describe(`${platform} client against the ${platform} simulator`, () => {
    const adapter = adapterFor(platform);
    const appKey = `${platform}-key`;
    const appSecret = `${platform}-secret`;
    let running: RunningSimulator;
    let store: StoreCredentials;

    beforeEach(async () => {
      running = await startSimulator(platform, { appKey, appSecret, pushToken: 'push-token', skus: SKUS, seed: 42, now: () => T0 });
      store = { storeId: 'store-1', platform, shopId: 'shop-1', appKey, appSecret, baseUrl: running.baseUrl, pushToken: 'push-token' };
    });
    afterEach(() => running.close());

    const addOrder = (minutes: number) => running.sim.addOrder(running.sim.generateOrder({ at: minutesBefore(minutes), province: '浙江省', city: '杭州市' }));

    it('when fetching an order, then the client returns the order exactly as the platform serves it', async () => {
      const order = addOrder(10);
      await expect(adapter.fetchOrder(store, running.sim.idOf(order))).resolves.toEqual(JSON.parse(JSON.stringify(order)));
    });

    it('when a generated order is fetched and mapped, then it is a valid canonical order with the chosen SKUs and city', async () => {
      const raw = await adapter.fetchOrder(store, running.sim.idOf(addOrder(10)));
      const mapped = applyMapping(adapter.mapping, raw);
      expect(mapped.ok).toBe(true);
      if (!mapped.ok) return;
      expect(mapped.order).toMatchObject({ channel: platform, channelOrderId: running.sim.idOf(raw), shippingAddress: { province: '浙江省', city: '杭州市' } });
      expect(mapped.order.lines.every((line) => SKUS.includes(line.sku))).toBe(true);
      expect(adapter.statusOf(raw)).toBe('paid');
    });

    it('when listing a window longer than the platform allows per query, with more than a page of changes, then every change inside it comes back once', async () => {
      const inside = [170, 125, 61, 30, 5, ...Array.from({ length: 101 }, () => 20)].map((m) => running.sim.idOf(addOrder(m)));
      addOrder(240);
      running.sim.addOrder(running.sim.generateOrder({ at: new Date(T0.getTime() + 60_000) }));
      const listed: string[] = [];
      for await (const raw of adapter.listChangedOrders(store, { from: minutesBefore(180), to: T0 })) listed.push(running.sim.idOf(raw));
      expect(listed).toHaveLength(inside.length);
      expect(new Set(listed)).toEqual(new Set(inside));
    });

    it('when pushing stock, then the platform records the full count for that SKU, and a negative count as 0', async () => {
      await adapter.pushStock(store, { sku: 'CUP-500', available: 37 });
      await adapter.pushStock(store, { sku: 'TEA-250', available: -4 });
      expect(running.sim.stockPushes).toEqual([
        { sku: 'CUP-500', quantity: 37, at: expect.any(Number) },
        { sku: 'TEA-250', quantity: 0, at: expect.any(Number) },
      ]);
    });

    it('when the seller moved the SKU to another listing since the last stock push, then the next push still sets its count', async () => {
      await adapter.pushStock(store, { sku: 'CUP-500', available: 5 });
      running.sim.relistSku('CUP-500');
      await adapter.pushStock(store, { sku: 'CUP-500', available: 3 });
      expect(running.sim.stockPushes.map((p) => p.quantity)).toEqual([5, 3]);
    });

    it('when pushing stock for a SKU the shop has not listed, then the client throws ChannelApiError', async () => {
      await expect(adapter.pushStock(store, { sku: 'NOT-LISTED', available: 1 })).rejects.toBeInstanceOf(ChannelApiError);
      expect(running.sim.stockPushes).toEqual([]);
    });

    for (const carrier of ['sf', 'jd'] as const) {
      it(`when writing a ${carrier} tracking number, then the platform records it under its own carrier code and the order shows as shipped`, async () => {
        const id = running.sim.idOf(addOrder(10));
        await adapter.writeTracking(store, { channelOrderId: id, carrier, waybillNo: 'WB1234567890' });
        expect(running.sim.trackingWrites).toEqual([{ channelOrderId: id, company: carrierCodes[carrier], waybillNo: 'WB1234567890' }]);
        expect(adapter.statusOf(await adapter.fetchOrder(store, id))).toBe('shipped');
      });
    }

    it('when the buyer asks for a refund, then the push carries the refund id, and the polled order shows the refund open with the same id', async () => {
      const id = running.sim.idOf(addOrder(10));
      const refundId = running.sim.requestRefund(id);
      const push = running.sim.signedPush({ kind: 'refund_requested', channelOrderId: id, at: T0 });
      expect(adapter.verifyPush({ headers: push.headers, query: push.query, rawBody: push.body }, store, T0)).toEqual({ ok: true });
      expect(adapter.parsePush(push.body)).toEqual([expect.objectContaining({ channelOrderId: id, kind: 'refund_requested', refundId })]);
      const raw = await adapter.fetchOrder(store, id);
      expect(adapter.statusOf(raw)).toBe('refund_requested');
      expect(adapter.refundIdOf(raw)).toBe(refundIdInOrder ? refundId : undefined);
      expect(adapter.refundIdOf(await adapter.fetchOrder(store, running.sim.idOf(addOrder(5))))).toBeUndefined();
    });

    it('when the OMS agrees a refund, then the platform records it once with the amount in fen and the refund is no longer open', async () => {
      const id = running.sim.idOf(addOrder(10));
      const refundId = running.sim.requestRefund(id);
      const written = await adapter.writeRefund(store, { channelOrderId: id, refundId, amountFen: 1 });
      expect(written.reference).toEqual(expect.any(String));
      expect(running.sim.refundWrites).toEqual([{ channelOrderId: id, refundId, amountFen: 1 }]);
      expect(adapter.statusOf(await adapter.fetchOrder(store, id))).not.toBe('refund_requested');
      // Agreed already: the platform refuses a second time, for good (the caller must not retry it).
      await expect(adapter.writeRefund(store, { channelOrderId: id, refundId, amountFen: 1 })).rejects.toMatchObject({ name: 'ChannelApiError', retryable: false });
      expect(running.sim.refundWrites).toHaveLength(1);
    });

    it('when the refund id is unknown to the platform, then the client throws a non-retryable ChannelApiError and nothing is refunded', async () => {
      const id = running.sim.idOf(addOrder(10));
      await expect(adapter.writeRefund(store, { channelOrderId: id, refundId: '999999999', amountFen: 100 })).rejects.toMatchObject({ name: 'ChannelApiError', retryable: false });
      expect(running.sim.refundWrites).toEqual([]);
    });

    it('when the store has the wrong secret, then the simulator refuses and the client throws the platform error', async () => {
      const id = running.sim.idOf(addOrder(10));
      const refused = adapter.fetchOrder({ ...store, appSecret: 'wrong-secret' }, id);
      await expect(refused).rejects.toMatchObject({ name: 'ChannelApiError', platform, code: wrongSecretCode, retryable: false });
    });

    it('when the order does not exist, then the client throws ChannelApiError', async () => {
      await expect(adapter.fetchOrder(store, '404404404')).rejects.toBeInstanceOf(ChannelApiError);
    });

    it('when the platform cannot be reached, then the error is a retryable NETWORK error', async () => {
      // Port 1 is never listening: the connection is refused at once.
      const unreachable = { ...store, baseUrl: 'http://127.0.0.1:1', accessToken: 'token' };
      await expect(adapter.fetchOrder(unreachable, '1')).rejects.toMatchObject({ code: 'NETWORK', retryable: true });
    });

    it('when the simulator sends a signed push, then the adapter verifies it with the store secret and parses the order id out', () => {
      const id = running.sim.idOf(addOrder(10));
      const push = running.sim.signedPush({ kind: 'paid', channelOrderId: id, at: T0 });
      const request = { headers: push.headers, query: push.query, rawBody: push.body };
      expect(adapter.verifyPush(request, store, T0)).toEqual({ ok: true });
      expect(adapter.verifyPush(request, { ...store, appSecret: 'other', pushToken: 'other' }, T0)).toMatchObject({ ok: false });
      expect(adapter.parsePush(push.body)).toEqual([expect.objectContaining({ platform, channelOrderId: id, kind: 'paid', occurredAt: T0.toISOString() })]);
    });
  });
}
