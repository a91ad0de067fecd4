import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { CarrierApiError, createJdClient, type JdConfig } from '../../carriers/index';
import { jdRequestQuery } from '../../carriers/jd-wire';
import { createJdSimulator, type JdSimulatorOptions } from '../../carriers/simulators/jd';
import { startCarrierSimulator, type RunningSimulator } from '../../carriers/simulators/index';
import { CUSTOMER, JD_CREDS, manualClock, PARCELS, startWebhookReceiver, WAREHOUSE } from './fixtures';

const MINUTE = 60_000;
const running: RunningSimulator[] = [];
const cleanups: Array<() => Promise<void>> = [];

async function start(opts: Partial<JdSimulatorOptions> = {}, clientConfig: Partial<JdConfig> = {}) {
  const clock = manualClock();
  const sim = await startCarrierSimulator('jd', {
    ...JD_CREDS,
    pickupAfterMs: 10 * MINUTE,
    deliverAfterMs: 60 * MINUTE,
    now: clock.now,
    ...opts,
  });
  running.push(sim);
  const client = createJdClient({ baseUrl: sim.baseUrl, ...JD_CREDS, ...clientConfig });
  return { ...sim, clock, client };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

const forward = (orderId: string) => ({ orderId, sender: WAREHOUSE, receiver: CUSTOMER, parcels: PARCELS });
const returned = (returnId: string) => ({ returnId, customer: CUSTOMER, warehouse: WAREHOUSE, parcels: PARCELS });

describe('JD client against the JD simulator', () => {
  it('when a forward waybill is tracked over time, then it shows the order, pickup and delivery on schedule', async () => {
    const { client, clock } = await start();
    const { waybillNo } = await client.createWaybill(forward('OMS-1'));
    expect(waybillNo).toMatch(/^JDVA\d{13}0$/);

    expect((await client.trackWaybill(waybillNo)).map((e) => e.kind)).toEqual(['created']);
    clock.advance(10 * MINUTE);
    expect((await client.trackWaybill(waybillNo)).map((e) => e.kind)).toEqual(['created', 'picked_up']);
    clock.advance(50 * MINUTE);
    const events = await client.trackWaybill(waybillNo);
    expect(events.map((e) => e.kind)).toEqual(['created', 'picked_up', 'in_transit', 'delivered']);
    expect(events.at(-1)).toMatchObject({ carrier: 'jd', rawCode: 'SIGNED', at: '2024-05-01T03:00:00.000Z' });
  });

  it('when the same order is created twice, then the same waybill comes back', async () => {
    const { client, sim } = await start();
    const first = await client.createWaybill(forward('OMS-2'));
    expect(await client.createWaybill(forward('OMS-2'))).toEqual(first);
    expect(sim.waybills()).toHaveLength(1);
  });

  it('when a return waybill is created (orderOrigin 2), then it ends signed for at the warehouse', async () => {
    const { client, clock, sim } = await start();
    const { waybillNo } = await client.createReturnWaybill(returned('RET-1'));
    expect(sim.waybills()[0]).toMatchObject({ waybillNo, direction: 'return', orderId: 'RET-1' });
    clock.advance(60 * MINUTE);
    const last = (await client.trackWaybill(waybillNo)).at(-1);
    expect(last).toMatchObject({ kind: 'delivered' });
    expect(last?.remark).toContain('仓库');
  });

  it('when a signed request uses an HMAC algorithm, then the simulator accepts it', async () => {
    const { client } = await start({}, { algorithm: 'HMacSHA256' });
    await expect(client.createWaybill(forward('OMS-3'))).resolves.toMatchObject({ waybillNo: expect.any(String) });
  });

  it.each([
    ['the app secret is wrong', { appSecret: 'guessed' }, '1004'],
    ['the access token is wrong', { accessToken: 'stolen' }, '1001'],
    ['the app key is wrong', { appKey: 'other-app' }, '1001'],
  ])('when %s, then the call is refused with code %s', async (_why, creds, code) => {
    const { baseUrl } = await start();
    const intruder = createJdClient({ ...JD_CREDS, ...creds, baseUrl });
    const error = await intruder.createWaybill(forward('OMS-4')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierApiError);
    expect(error).toMatchObject({ carrier: 'jd', code, retryable: false });
  });

  it('when the body is tampered with after signing, then the signature check fails', async () => {
    const { baseUrl } = await start();
    const signedBody = JSON.stringify([{ waybillCode: 'JDVA1', customerCode: JD_CREDS.customerCode }]);
    const query = jdRequestQuery({ ...JD_CREDS, method: '/ecap/v1/orders/trace/query', paramJson: signedBody, timestamp: '2024-05-01 10:00:00' });
    const res = await fetch(`${baseUrl}/ecap/v1/orders/trace/query?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: signedBody.replace('JDVA1', 'JDVA2'),
    });
    expect(await res.json()).toMatchObject({ code: 1004 });
  });

  it('when the customer code is not the configured one, then the order is refused', async () => {
    const { baseUrl } = await start();
    const other = createJdClient({ ...JD_CREDS, customerCode: 'SOMEONE', baseUrl });
    await expect(other.createWaybill(forward('OMS-5'))).rejects.toMatchObject({ code: '2001' });
  });

  it('when a waybill is cancelled before pickup, then only the order event remains; after pickup it cannot be', async () => {
    const { client, clock } = await start();
    const early = await client.createWaybill(forward('OMS-6'));
    await client.cancelWaybill({ orderId: 'OMS-6', waybillNo: early.waybillNo });
    clock.advance(2 * 60 * MINUTE);
    expect((await client.trackWaybill(early.waybillNo)).map((e) => e.kind)).toEqual(['created']);

    const late = await client.createWaybill(forward('OMS-7'));
    clock.advance(10 * MINUTE);
    await expect(client.cancelWaybill({ orderId: 'OMS-7', waybillNo: late.waybillNo })).rejects.toMatchObject({ code: '2002' });
  });
});

describe('JD simulator pushes', () => {
  it('when events fall due, then signed pushes reach the webhook with the same eventIds tracking reports', async () => {
    const receiver = await startWebhookReceiver({ jd: JD_CREDS.appSecret });
    cleanups.push(receiver.close);
    const { client, clock, sim } = await start({ callbackUrl: receiver.url('jd') });
    const { waybillNo } = await client.createWaybill(forward('OMS-8'));
    clock.advance(60 * MINUTE);
    await sim.tick();
    const tracked = await client.trackWaybill(waybillNo);
    expect(receiver.received.map((e) => e.eventId)).toEqual(tracked.map((e) => e.eventId));
    expect(receiver.received.map((e) => e.kind)).toEqual(['created', 'picked_up', 'in_transit', 'delivered']);
  });

  it('when a waybill is picked up but then goes silent, then neither pushes nor tracking show a delivery', async () => {
    const receiver = await startWebhookReceiver({ jd: JD_CREDS.appSecret });
    cleanups.push(receiver.close);
    const { client, clock, sim } = await start({ callbackUrl: receiver.url('jd') });
    sim.planFor('OMS-9', { deliverAfterMs: null });
    const { waybillNo } = await client.createWaybill(forward('OMS-9'));
    clock.advance(24 * 60 * MINUTE);
    await sim.tick();
    expect(receiver.received.map((e) => e.kind)).toEqual(['created', 'picked_up']);
    expect((await client.trackWaybill(waybillNo)).map((e) => e.kind)).toEqual(['created', 'picked_up']);
  });

  it('when the webhook holds another secret, then pushes are refused and retried on the next tick', async () => {
    const receiver = await startWebhookReceiver({ jd: 'wrong-secret' });
    cleanups.push(receiver.close);
    const { client, sim } = await start({ callbackUrl: receiver.url('jd') });
    await client.createWaybill(forward('OMS-10'));
    await sim.tick();
    await sim.tick();
    expect(receiver.received).toEqual([]);
    expect(receiver.rejected()).toBe(2);
  });
});

describe('JD simulator mounted inside another app', () => {
  it('when mounted under a prefix, then requests signed for the ECAP path still verify', async () => {
    const host = new Hono().route('/sim/jd', createJdSimulator(JD_CREDS).app);
    const client = createJdClient(
      { ...JD_CREDS, baseUrl: 'http://sim.local/sim/jd' },
      { fetch: (url, init) => Promise.resolve(host.request(url, init)) },
    );
    await expect(client.createWaybill(forward('OMS-M'))).resolves.toMatchObject({ waybillNo: expect.stringMatching(/^JDVA/) });
  });
});
