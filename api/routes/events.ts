import { Hono } from 'hono';
import { behaviourEventsSchema, storedEvent, type EventBuffer } from '../../prepack/events';
import { requireScope, type ApiEnv } from '../auth';
import { doc } from '../openapi';
import { validate } from '../validate';

/** `/v1/events`: customer behaviour (views, cart adds, favourites) for the pre-pack model, in bulk. */
export function eventRoutes({ events }: { events: EventBuffer }) {
  return new Hono<ApiEnv>().post(
    '/',
    doc('Behaviour events in bulk (up to 5,000): [{eventId, customerPhone|customerId, sku, type: view|cart|favourite, at, dwellSeconds?}]; the phone is stored only as a key; an eventId sent again is skipped', {
      202: '{received, accepted, duplicates}',
      400: 'validation error with the field path of the first bad event',
    }),
    requireScope('orders:write'),
    validate('json', behaviourEventsSchema),
    async (c) => {
      const body = c.req.valid('json');
      const { accepted, duplicates } = await events.accept(body.map(storedEvent));
      return c.json({ received: body.length, accepted, duplicates }, 202);
    },
  );
}
