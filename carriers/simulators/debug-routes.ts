import type { Hono } from 'hono';
import { CARRIER_EVENT_KINDS, type CarrierEventKind } from '../types';
import type { SimulatorEngine } from './engine';

/**
 * Handy when driving a demo by hand (`curl`): list waybills, force an event. Not part of any carrier's API,
 * hence the `/__sim` prefix; the simulators are local tools and these routes are unauthenticated.
 */
export function mountDebugRoutes(app: Hono, sim: SimulatorEngine): void {
  app.get('/__sim/waybills', (c) => c.json(sim.waybills()));
  app.post('/__sim/waybills/:waybillNo/:kind', (c) => {
    const { waybillNo, kind } = c.req.param();
    if (!(CARRIER_EVENT_KINDS as readonly string[]).includes(kind)) return c.json({ error: `unknown kind ${kind}` }, 400);
    if (!sim.find(waybillNo)) return c.json({ error: 'unknown waybill' }, 404);
    try {
      const event = sim.advance(waybillNo, kind as CarrierEventKind);
      return c.json({ waybillNo, kind, at: new Date(event.at).toISOString() });
    } catch (err) {
      return c.json({ error: (err as Error).message }, 400);
    }
  });
}
