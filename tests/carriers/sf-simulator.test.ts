import { afterEach, describe, expect, it } from 'vitest';
import { CarrierApiError, createSfClient } from '../../carriers/index';
import { startCarrierSimulator, type RunningSimulator } from '../../carriers/simulators/index';
import type { SfSimulatorOptions } from '../../carriers/simulators/sf';
import { CUSTOMER, manualClock, PARCELS, SF_CREDS, sleep, startWebhookReceiver, WAREHOUSE } from './fixtures';

const MINUTE = 60_000;
const running: RunningSimulator[] = [];
const cleanups: Array<() => Promise<void>> = [];

async function start(opts: Partial<SfSimulatorOptions> = {}) {
  const clock = manualClock();
  const sim = await startCarrierSimulator('sf', {
    ...SF_CREDS,
    pickupAfterMs: 10 * MINUTE,
    deliverAfterMs: 60 * MINUTE,
    now: clock.now,
    ...opts,
  });
  running.push(sim);
  const client = createSfClient({ baseUrl: sim.baseUrl, ...SF_CREDS });
  return { ...sim, clock, client };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

const forward = (orderId: string) => ({ orderId, sender: WAREHOUSE, receiver: CUSTOMER, parcels: PARCELS });

describe('SF client against the SF simulator', () => {
  it('when a forward waybill is tracked over time, then it is picked up, moves and is delivered on schedule', async () => {
    const { client, clock } = await start();
    const { waybillNo } = await client.createWaybill(forward('OMS-1'));
    expect(waybillNo).toMatch(/^SF\d{13}0$/);

    expect(await client.trackWaybill(waybillNo)).toEqual([]);

    clock.advance(10 * MINUTE);
    const picked = await client.trackWaybill(waybillNo);
    expect(picked).toHaveLength(1);
    expect(picked[0]).toMatchObject({ carrier: 'sf', waybillNo, kind: 'picked_up', rawCode: '50', at: '2024-05-01T02:10:00.000Z' });

    clock.advance(50 * MINUTE);
    const done = await client.trackWaybill(waybillNo);
    expect(done.map((e) => e.kind)).toEqual(['picked_up', 'in_transit', 'delivered']);
    expect(done.at(-1)).toMatchObject({ rawCode: '80', at: '2024-05-01T03:00:00.000Z' });
    expect(new Set(done.map((e) => e.eventId)).size).toBe(3);
  });

  it('when real time passes the short delays, then tracking sees the delivery', async () => {
    const { client } = await start({ now: undefined, pickupAfterMs: 20, deliverAfterMs: 60 });
    const { waybillNo } = await client.createWaybill(forward('OMS-RT'));
    expect((await client.trackWaybill(waybillNo)).map((e) => e.kind)).not.toContain('delivered');
    await sleep(120);
    expect((await client.trackWaybill(waybillNo)).map((e) => e.kind)).toEqual(['picked_up', 'in_transit', 'delivered']);
  });

  it('when the same order is created twice, then the same waybill comes back', async () => {
    const { client, sim } = await start();
    const first = await client.createWaybill(forward('OMS-2'));
    const second = await client.createWaybill(forward('OMS-2'));
    expect(second).toEqual(first);
    expect(sim.waybills()).toHaveLength(1);
  });

  it('when SF answers a repeat with "duplicate order", then the client looks the order up and returns its waybill', async () => {
    const { client } = await start({ rejectDuplicateOrders: true });
    const first = await client.createWaybill(forward('OMS-3'));
    expect(await client.createWaybill(forward('OMS-3'))).toEqual(first);
  });

  it('when a return waybill is created, then it runs from the customer to the warehouse and ends signed for', async () => {
    const { client, clock, sim } = await start({ returnPickupAfterMs: 5 * MINUTE, returnDeliverAfterMs: 30 * MINUTE });
    const { waybillNo } = await client.createReturnWaybill({ returnId: 'RET-1', customer: CUSTOMER, warehouse: WAREHOUSE, parcels: PARCELS });
    expect(waybillNo).toMatch(/^SF\d{13}1$/);
    expect(sim.waybills()[0]).toMatchObject({ waybillNo, orderId: 'RET-1', direction: 'return' });

    clock.advance(30 * MINUTE);
    const events = await client.trackWaybill(waybillNo);
    expect(events.map((e) => e.kind)).toEqual(['picked_up', 'in_transit', 'delivered']);
    expect(events.at(-1)?.remark).toContain('仓库');
  });

  it('when a return reuses an order id, then it is refused rather than answered with the forward waybill', async () => {
    const { client } = await start();
    await client.createWaybill(forward('OMS-4'));
    const attempt = client.createReturnWaybill({ returnId: 'OMS-4', customer: CUSTOMER, warehouse: WAREHOUSE, parcels: PARCELS });
    await expect(attempt).rejects.toBeInstanceOf(CarrierApiError);
  });

  it.each([
    ['the checkword is wrong', { ...SF_CREDS, checkword: 'guessed' }],
    ['the partner is unknown', { ...SF_CREDS, partnerId: 'SOMEONE_ELSE' }],
  ])('when %s, then the gateway refuses with A1006 and the error is not retryable', async (_why, creds) => {
    const { baseUrl } = await start();
    const intruder = createSfClient({ baseUrl, ...creds });
    const error = await intruder.createWaybill(forward('OMS-5')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierApiError);
    expect(error).toMatchObject({ carrier: 'sf', code: 'A1006', retryable: false });
  });

  it('when a waybill is cancelled before pickup, then no route follows; after pickup, cancelling fails', async () => {
    const { client, clock } = await start();
    const early = await client.createWaybill(forward('OMS-6'));
    await client.cancelWaybill({ orderId: 'OMS-6', waybillNo: early.waybillNo });
    clock.advance(2 * 60 * MINUTE);
    expect(await client.trackWaybill(early.waybillNo)).toEqual([]);

    const late = await client.createWaybill(forward('OMS-7'));
    clock.advance(10 * MINUTE);
    await expect(client.cancelWaybill({ orderId: 'OMS-7', waybillNo: late.waybillNo })).rejects.toMatchObject({
      code: 'SIM_NOT_CANCELLABLE',
    });
  });

  it('when the waybill is unknown, then tracking returns no events', async () => {
    const { client } = await start();
    expect(await client.trackWaybill('SF0000000000000')).toEqual([]);
  });

  it('when the simulator is unreachable, then the error is retryable', async () => {
    const { baseUrl } = await start();
    await running.pop()?.close();
    const client = createSfClient({ baseUrl, ...SF_CREDS }, { timeoutMs: 2000 });
    await expect(client.trackWaybill('SF1')).rejects.toMatchObject({ code: 'NETWORK', retryable: true });
  });
});

describe('SF simulator pushes', () => {
  it('when events fall due, then signed pushes reach the webhook, which dedups with tracking by eventId', async () => {
    const receiver = await startWebhookReceiver({ sf: SF_CREDS.checkword });
    cleanups.push(receiver.close);
    const { client, clock, sim } = await start({ callbackUrl: receiver.url('sf') });
    const { waybillNo } = await client.createWaybill(forward('OMS-8'));

    clock.advance(10 * MINUTE);
    await sim.tick();
    await sim.tick(); // acknowledged events are not pushed again
    expect(receiver.received.map((e) => e.kind)).toEqual(['picked_up']);
    expect(receiver.rejected()).toBe(0);

    const tracked = await client.trackWaybill(waybillNo);
    expect(tracked.map((e) => e.eventId)).toEqual(receiver.received.map((e) => e.eventId));
  });

  it('when callbacks are off, then no push comes but active tracking still sees the delivery', async () => {
    const receiver = await startWebhookReceiver({ sf: SF_CREDS.checkword });
    cleanups.push(receiver.close);
    const { client, clock, sim } = await start({ callbackUrl: receiver.url('sf'), callbacks: false });
    const { waybillNo } = await client.createWaybill(forward('OMS-9'));
    clock.advance(60 * MINUTE);
    await sim.tick();
    expect(receiver.received).toEqual([]);
    expect((await client.trackWaybill(waybillNo)).at(-1)?.kind).toBe('delivered');
  });

  it('when a test pushes an event, then it arrives at once, and pushing it again repeats the same eventId', async () => {
    const receiver = await startWebhookReceiver({ sf: SF_CREDS.checkword });
    cleanups.push(receiver.close);
    const { client, sim } = await start({ callbackUrl: receiver.url('sf'), callbacks: false });
    const { waybillNo } = await client.createWaybill(forward('OMS-10'));

    const first = await sim.pushEvent(waybillNo, 'delivered');
    expect(first).toEqual({ status: 200, body: { return_code: '0000', return_msg: '成功' } });
    await sim.pushEvent(waybillNo, 'delivered');
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]?.eventId).toBe(receiver.received[0]?.eventId);
    expect((await client.trackWaybill(waybillNo)).map((e) => e.kind)).toEqual(['delivered']);
  });

  it('when the webhook holds a different checkword, then it refuses the push', async () => {
    const receiver = await startWebhookReceiver({ sf: 'not-the-checkword' });
    cleanups.push(receiver.close);
    const { client, sim } = await start({ callbackUrl: receiver.url('sf') });
    const { waybillNo } = await client.createWaybill(forward('OMS-11'));
    const result = await sim.pushEvent(waybillNo, 'picked_up');
    expect(result.status).toBe(401);
    expect(receiver.received).toEqual([]);
  });
});
