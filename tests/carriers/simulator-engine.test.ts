import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSfClient } from '../../carriers/index';
import { routeOf, type SimWaybill } from '../../carriers/simulators/engine';
import { createSfSimulator, startCarrierSimulator } from '../../carriers/simulators/index';
import { CUSTOMER, manualClock, PARCELS, SF_CREDS, sleep, startWebhookReceiver, WAREHOUSE } from './fixtures';

const T0 = 1_000_000;
const waybill = (overrides: Partial<SimWaybill> = {}): SimWaybill => ({
  waybillNo: 'SF00000010000000',
  orderId: 'OMS-1',
  direction: 'forward',
  createdAt: T0,
  pickupAfterMs: 100,
  deliverAfterMs: 300,
  fromCity: '',
  toCity: '',
  forced: [],
  cancelledAt: null,
  pushed: [],
  ...overrides,
});
const kindsAt = (w: SimWaybill, emitsCreated = false) => routeOf(w, emitsCreated).map((e) => `${e.kind}@${e.at - T0}`);

describe('routeOf', () => {
  it.each([
    ['the default timing', {}, false, ['picked_up@100', 'in_transit@200', 'delivered@300']],
    ['the carrier reports order creation', {}, true, ['created@0', 'picked_up@100', 'in_transit@200', 'delivered@300']],
    ['delivery is "never"', { deliverAfterMs: null }, false, ['picked_up@100']],
    ['pickup is "never"', { pickupAfterMs: null }, false, []],
    ['delivery is due before pickup', { deliverAfterMs: 50 }, false, ['picked_up@100', 'delivered@100']],
    ['it was cancelled before pickup', { cancelledAt: T0 + 50 }, true, ['created@0']],
    ['delivery was forced early', { forced: [{ kind: 'delivered', at: T0 + 150 }] }, false, ['picked_up@100', 'delivered@150']],
    ['pickup was forced early', { forced: [{ kind: 'picked_up', at: T0 + 10 }] }, false, ['picked_up@10', 'in_transit@200', 'delivered@300']],
    ['an exception was forced', { forced: [{ kind: 'exception', at: T0 + 250 }] }, false, ['picked_up@100', 'in_transit@200', 'exception@250', 'delivered@300']],
  ] as const)('when %s, then the route is %j', (_why, overrides, emitsCreated, expected) => {
    expect(kindsAt(waybill(overrides as Partial<SimWaybill>), emitsCreated)).toEqual(expected);
  });
});

describe('simulator state across restarts', () => {
  const dir = join(process.cwd(), '.tmp', `carriers-test-${randomUUID()}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when the simulator restarts with its state file, then idempotency, overrides and routes survive', async () => {
    const stateFile = join(dir, 'sf.json');
    const clock = manualClock();
    const opts = { ...SF_CREDS, stateFile, now: clock.now, pickupAfterMs: 1000, deliverAfterMs: 5000 };

    const first = await startCarrierSimulator('sf', opts);
    const client1 = createSfClient({ baseUrl: first.baseUrl, ...SF_CREDS });
    const { waybillNo } = await client1.createWaybill({ orderId: 'OMS-1', sender: WAREHOUSE, receiver: CUSTOMER, parcels: PARCELS });
    first.sim.planFor('OMS-2', { deliverAfterMs: null });
    await first.close();

    clock.advance(5000);
    const second = await startCarrierSimulator('sf', opts);
    try {
      const client2 = createSfClient({ baseUrl: second.baseUrl, ...SF_CREDS });
      expect((await client2.trackWaybill(waybillNo)).map((e) => e.kind)).toEqual(['picked_up', 'in_transit', 'delivered']);
      expect(await client2.createWaybill({ orderId: 'OMS-1', sender: WAREHOUSE, receiver: CUSTOMER, parcels: PARCELS })).toEqual({ waybillNo });
      const silent = await client2.createWaybill({ orderId: 'OMS-2', sender: WAREHOUSE, receiver: CUSTOMER, parcels: PARCELS });
      clock.advance(60_000);
      expect((await client2.trackWaybill(silent.waybillNo)).map((e) => e.kind)).toEqual(['picked_up']);
    } finally {
      await second.close();
    }
  });

  it('when the simulator restarts without a state file, then its waybill numbers still carry their route', () => {
    const clock = manualClock();
    const before = createSfSimulator({ ...SF_CREDS, now: clock.now, pickupAfterMs: 1000, deliverAfterMs: 5000 });
    const outcome = before.sim.create('OMS-1', 'return', { from: '深圳市', to: '上海市' });
    if (!outcome.ok) throw new Error('create failed');

    clock.advance(5000);
    const after = createSfSimulator({ ...SF_CREDS, now: clock.now, pickupAfterMs: 1000, deliverAfterMs: 5000 });
    const rebuilt = after.sim.find(outcome.waybill.waybillNo);
    expect(rebuilt).toMatchObject({ direction: 'return', createdAt: outcome.waybill.createdAt });
    expect(after.sim.due(rebuilt!).map((e) => e.kind)).toEqual(['picked_up', 'in_transit', 'delivered']);
    expect(after.sim.find('SF123')).toBeUndefined();
  });
});

describe('simulator test hooks', () => {
  const engine = () => {
    const clock = manualClock();
    const { sim, app } = createSfSimulator({ ...SF_CREDS, now: clock.now, pickupAfterMs: 1000, deliverAfterMs: 5000 });
    return { sim, app, clock };
  };

  it('when two waybills are created in the same millisecond, then they get different numbers', () => {
    const { sim } = engine();
    const a = sim.create('A', 'forward', { from: '', to: '' });
    const b = sim.create('B', 'forward', { from: '', to: '' });
    expect(a.ok && b.ok && a.waybill.waybillNo !== b.waybill.waybillNo).toBe(true);
  });

  it('when an event is advanced, then it is due now and waybills() shows it with what is still to come', () => {
    const { sim } = engine();
    const created = sim.create('A', 'forward', { from: '', to: '' });
    if (!created.ok) throw new Error('create failed');
    sim.advance(created.waybill.waybillNo, 'picked_up');
    const [view] = sim.waybills();
    expect(view?.events.map((e) => e.kind)).toEqual(['picked_up']);
    expect(view?.upcoming.map((e) => e.kind)).toEqual(['in_transit', 'delivered']);
  });

  it('when SF is asked to advance "created", then it refuses: SF routes start at pickup', () => {
    const { sim } = engine();
    const created = sim.create('A', 'forward', { from: '', to: '' });
    if (!created.ok) throw new Error('create failed');
    expect(() => sim.advance(created.waybill.waybillNo, 'created')).toThrow(/no "created"/);
  });

  it('when a waybill is rescheduled to never deliver, then the delivery disappears', () => {
    const { sim, clock } = engine();
    const created = sim.create('A', 'forward', { from: '', to: '' });
    if (!created.ok) throw new Error('create failed');
    sim.reschedule(created.waybill.waybillNo, { deliverAfterMs: null });
    clock.advance(10_000);
    expect(sim.due(created.waybill).map((e) => e.kind)).toEqual(['picked_up']);
  });

  it('when the debug routes are used, then they list waybills and force events', async () => {
    const { sim, app } = engine();
    const created = sim.create('A', 'forward', { from: '', to: '' });
    if (!created.ok) throw new Error('create failed');
    const forced = await app.request(`/__sim/waybills/${created.waybill.waybillNo}/delivered`, { method: 'POST' });
    expect(forced.status).toBe(200);
    const list = (await (await app.request('/__sim/waybills')).json()) as Array<{ events: Array<{ kind: string }> }>;
    expect(list[0]?.events.map((e) => e.kind)).toEqual(['delivered']);
    expect((await app.request('/__sim/waybills/NOPE/delivered', { method: 'POST' })).status).toBe(404);
  });

  it('when the simulator runs with its timer, then due events are pushed without anyone calling tick()', async () => {
    const receiver = await startWebhookReceiver({ sf: SF_CREDS.checkword });
    const running = await startCarrierSimulator('sf', {
      ...SF_CREDS,
      pickupAfterMs: 0,
      deliverAfterMs: 30,
      tickMs: 20,
      callbackUrl: receiver.url('sf'),
    });
    try {
      const client = createSfClient({ baseUrl: running.baseUrl, ...SF_CREDS });
      await client.createWaybill({ orderId: 'OMS-T', sender: WAREHOUSE, receiver: CUSTOMER, parcels: PARCELS });
      for (let i = 0; i < 50 && !receiver.received.some((e) => e.kind === 'delivered'); i++) await sleep(20);
      expect(receiver.received.map((e) => e.kind)).toContain('delivered');
    } finally {
      await running.close();
      await receiver.close();
    }
  });
});
