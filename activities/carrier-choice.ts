/**
 * The carrier of a parcel: chosen by the carrier rules when its pick task opens — recorded on the task (waves
 * group tasks by it) and announced to the warehouse's PDAs in the transaction that opened the task — and read
 * back from the task when the parcel ships. Shared by single-order and merged-parcel tasks.
 */
import { isCarrierName, type Carriers } from '../carriers';
import { CARRIER_NAMES, type CarrierName } from '../carriers/types';
import type { Db, DbOrTx, Tx } from '../db/client';
import { settleReservations } from '../db/queries/inventory';
import { insertForwardShipment, markOrderShipped } from '../db/queries/shipments';
import { claimTaskCarrier, loadCarrierRules, setTaskCarrier, taskCarrier } from '../db/queries/carrier-rules';
import { shippingFactsOf } from '../db/queries/orders';
import { appendPdaEvent } from '../db/queries/pda-events';
import { unitWeightsOf } from '../db/queries/skus';
import { findWarehouse } from '../db/queries/warehouses';
import { chooseCarrier, type CarrierChoice } from '../domain/carrier-rules';
import { freightFen, freightZone, parcelWeightGrams, type Place } from '../domain/freight';
import type { Address, CanonicalOrder } from '../domain/order';
import type { StockLine } from '../domain/stock';
import type { Logger } from '../infra/logger';
import type { ShipmentRef } from '../workflows/contract';
import { customerParty, warehouseParty } from './parties';

export interface CarrierChoiceDeps {
  carriers: Carriers;
  logger: Logger;
}

export interface OpenedTask {
  taskId: string;
  /** The order that opened it (a merged parcel's first order: they all go to the same receiver). */
  orderId: string;
  warehouseId: string;
  /** The pick list, in walking order. */
  lines: StockLine[];
}

/**
 * In the transaction that inserted the task: a task without a carrier (just opened) gets the one the rules
 * choose, and its warehouse's PDAs are told (`task` event). The task row is locked first, so however often the
 * activity runs, this happens once.
 */
export async function assignCarrierAndAnnounce(tx: DbOrTx, deps: CarrierChoiceDeps, task: OpenedTask): Promise<CarrierChoice | undefined> {
  if (!(await claimTaskCarrier(tx, task.taskId))) return undefined;
  const choice = await chooseFor(tx, deps, task);
  await setTaskCarrier(tx, task.taskId, choice.carrier, choice.ruleId);
  await appendPdaEvent(tx, {
    warehouseId: task.warehouseId,
    kind: 'task',
    data: { taskId: task.taskId, orderIds: [task.orderId], lines: task.lines, carrier: choice.carrier },
  });
  deps.logger.info({ taskId: task.taskId, orderId: task.orderId, carrier: choice.carrier, carrierRuleId: choice.ruleId, reason: choice.reason }, 'carrier chosen');
  return choice;
}

async function chooseFor(tx: DbOrTx, deps: CarrierChoiceDeps, task: OpenedTask): Promise<CarrierChoice> {
  const { carriers, logger } = deps;
  const stored = await loadCarrierRules(tx);
  if (stored.invalid) logger.error({ problem: stored.invalid }, 'stored carrier rules do not parse; the default carrier ships');
  const order = await shippingFactsOf(tx, task.orderId);
  const warehouse = await findWarehouse(tx, task.warehouseId);
  const weights = await unitWeightsOf(tx, task.lines.map((l) => l.sku));
  const choice = chooseCarrier(
    { from: warehouse ?? {}, to: order?.shippingAddress ?? {}, weightGrams: parcelWeightGrams(task.lines, weights), urgent: order?.urgent ?? false },
    { rules: stored.rules },
    { defaultCarrier: carriers.defaultCarrier, configured: CARRIER_NAMES.filter((c) => carriers.has(c)) },
  );
  if (choice.unconfigured) {
    logger.warn(
      { taskId: task.taskId, orderId: task.orderId, carrierRuleId: choice.unconfigured.ruleId, ruleCarrier: choice.unconfigured.carrier, carrier: choice.carrier },
      'the carrier rule that matched picks a carrier this deployment has no credentials for; the default carrier ships',
    );
  }
  return choice;
}

/**
 * The carrier a parcel ships with, and the rule that chose it: its task's. The default carrier (no rule) for a
 * task opened before carrier rules existed, and for a task whose carrier is not configured (any more) — the
 * log line says so.
 */
export async function shippingCarrier(
  db: DbOrTx,
  deps: CarrierChoiceDeps,
  parcel: { taskId: string; orderId: string },
): Promise<{ carrier: CarrierName; carrierRuleId: string | null }> {
  const fallback = deps.carriers.defaultCarrier;
  const task = await taskCarrier(db, parcel.taskId);
  if (!task?.carrier) return { carrier: fallback, carrierRuleId: null };
  if (!isCarrierName(task.carrier) || !deps.carriers.has(task.carrier)) {
    deps.logger.warn(
      { orderId: parcel.orderId, taskId: parcel.taskId, taskCarrier: task.carrier, carrier: fallback },
      'the carrier chosen for the task is not configured in this worker; shipping with the default carrier',
    );
    return { carrier: fallback, carrierRuleId: null };
  }
  return { carrier: task.carrier, carrierRuleId: task.carrierRuleId };
}

/** The parcel's freight with the carrier, by its cost model, from the warehouse to the receiver as addressed now. */
export async function parcelFreightFen(db: DbOrTx, carrier: CarrierName, from: Place, to: Place, lines: readonly StockLine[]): Promise<number> {
  const weights = await unitWeightsOf(db, lines.map((l) => l.sku));
  return freightFen(carrier, freightZone(from, to), parcelWeightGrams(lines, weights));
}

export interface ParcelToShip {
  orderId: string;
  warehouseId: string;
  customer: CanonicalOrder['customer'];
  address: Address;
  /** What is in the parcel (a merged parcel: every order's lines). */
  lines: readonly StockLine[];
  /** What the carrier keys the waybill on, so a retry books the same one: the order's, a split parcel's or a merged parcel's id. */
  carrierOrderId: string;
  /** The task the parcel was picked on (its carrier was chosen when it opened). */
  taskId: string;
  shipmentId: string;
  /** A split order's parcel consumes only its own warehouse's reservations. */
  consumeAt?: string | undefined;
  /** More to record in the same transaction, once the waybill is known (a merged parcel notes it on the parcel). */
  alsoRecord?: (tx: Tx, waybill: { carrier: CarrierName; waybillNo: string }) => Promise<void>;
}

/**
 * The parcel leaves: its waybill booked with the carrier chosen when its task opened, priced by that carrier's
 * cost model for the address as it is now, then in one transaction the shipment row, the order's first shipping
 * time and its reserved units taken out of stock. Returns the shipment and the SKUs whose stock changed.
 */
export async function bookAndShip(
  db: Db,
  deps: CarrierChoiceDeps & { defaultSenderPhone: string },
  p: ParcelToShip,
): Promise<{ shipment: ShipmentRef; costFen: number; carrierRuleId: string | null; consumedSkus: string[] }> {
  const sender = await warehouseParty(db, p.warehouseId, deps.defaultSenderPhone);
  const receiver = customerParty(p.customer, p.address);
  const chosen = await shippingCarrier(db, deps, { taskId: p.taskId, orderId: p.orderId });
  const carrier = deps.carriers.get(chosen.carrier);
  const { waybillNo } = await carrier.createWaybill({
    orderId: p.carrierOrderId,
    sender,
    receiver,
    parcels: p.lines.map((l) => ({ name: l.sku, quantity: l.quantity })),
  });
  const costFen = await parcelFreightFen(db, carrier.name, sender, p.address, p.lines);
  const consumed = await db.transaction(async (tx) => {
    await p.alsoRecord?.(tx, { carrier: carrier.name, waybillNo });
    await insertForwardShipment(tx, {
      id: p.shipmentId,
      orderId: p.orderId,
      warehouseId: p.warehouseId,
      carrier: carrier.name,
      waybillNo,
      costFen,
      carrierRuleId: chosen.carrierRuleId,
    });
    await markOrderShipped(tx, p.orderId);
    return settleReservations(tx, p.orderId, 'consumed', p.consumeAt);
  });
  return {
    shipment: { direction: 'forward', carrier: carrier.name, waybillNo, status: 'created' },
    costFen,
    carrierRuleId: chosen.carrierRuleId,
    consumedSkus: [...new Set(consumed.map((r) => r.sku))],
  };
}
