import { Hono } from 'hono';
import { carrierPush, isCarrierName, type Carriers } from '../../carriers';
import { InvalidPushError } from '../../carriers/errors';
import type { Db } from '../../db/client';
import { ordersOnParcelWaybill } from '../../db/queries/shipment-merge';
import { orderOfWaybill } from '../../db/queries/shipments';
import type { Logger } from '../../infra/logger';
import type { OrderClient } from '../../temporal/order-client';
import { carrierEventSignal } from '../../workflows/contract';
import { notFound } from '../errors';
import { doc } from '../openapi';
import { tellOrder } from '../tell';

/**
 * `POST /v1/webhooks/carriers/:carrier`: route pushes from SF / JD, authenticated by the carrier's own
 * signature. Each event is handed to the order that owns the waybill; the carrier gets its "ok" envelope.
 */
export function carrierWebhookRoutes({ db, orders, carriers, logger }: { db: Db; orders: OrderClient; carriers: Carriers; logger: Logger }) {
  return new Hono().post(
    '/:carrier',
    doc("SF / JD route pushes, authenticated by the carrier's signature (no API key); each event goes to the order owning the waybill", {
      200: "the carrier's ok envelope",
      400: 'not the carrier push format',
      401: 'signature mismatch',
      404: 'unknown or unconfigured carrier',
    }),
    async (c) => {
      const name = c.req.param('carrier');
      if (!isCarrierName(name) || !carriers.has(name)) throw notFound(`carrier ${name}`);
      const push = carrierPush(name);
      const rawBody = await c.req.text();
      const secret = carriers.pushSecret(name);
      if (!secret || !push.verify(rawBody, { headers: c.req.raw.headers, query: c.req.query() }, secret)) {
        const reply = push.nack(401, 'signature mismatch');
        return c.json(reply.body, reply.status);
      }
      let events;
      try {
        events = push.parse(rawBody);
      } catch (err) {
        if (!(err instanceof InvalidPushError)) throw err;
        const reply = push.nack(400, err.message);
        return c.json(reply.body, reply.status);
      }
      for (const event of events) {
        const waybillOrder = await orderOfWaybill(db, name, event.waybillNo);
        if (!waybillOrder) {
          logger.warn({ carrier: name, waybillNo: event.waybillNo }, 'carrier push for an unknown waybill');
          continue;
        }
        // A merged parcel's waybill carries several orders: each one follows it.
        const parcelOrders = await ordersOnParcelWaybill(db, name, event.waybillNo);
        // A late scan for an order that has already closed changes nothing.
        for (const orderId of parcelOrders.length ? parcelOrders : [waybillOrder]) await tellOrder(orders, orderId, carrierEventSignal, event);
      }
      const reply = push.ack();
      return c.json(reply.body, reply.status);
    },
  );
}
