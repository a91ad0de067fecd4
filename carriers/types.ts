/**
 * The carrier-neutral vocabulary the order workflow speaks. Each adapter (SF Express, JD Logistics)
 * translates between this and its own wire format, so activities never see carrier-specific codes.
 */

export const CARRIER_NAMES = ['sf', 'jd'] as const;
export type CarrierName = (typeof CARRIER_NAMES)[number];

/** One end of a shipment: a customer, a warehouse or a shop. Phone and address are personal data: never log them. */
export interface Party {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
}

/** What goes in the box, as printed on the waybill ("2 × 保温杯"). */
export interface Parcel {
  name: string;
  quantity: number;
}

export interface CreateWaybillInput {
  /** Our order id. Carriers key their orders on it, so it doubles as the idempotency key of the create call. */
  orderId: string;
  sender: Party;
  receiver: Party;
  parcels: Parcel[];
}

export interface CreateReturnWaybillInput {
  /** Our return id: the idempotency key of the reverse order. Must never equal an order id (carriers share one namespace). */
  returnId: string;
  customer: Party;
  warehouse: Party;
  parcels: Parcel[];
}

export interface CancelWaybillInput {
  /** The orderId / returnId the waybill was created with (SF cancels by it). */
  orderId: string;
  /** The waybill to cancel (JD cancels by it). */
  waybillNo: string;
}

export interface WaybillResult {
  waybillNo: string;
}

export const CARRIER_EVENT_KINDS = [
  'created',
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
] as const;
export type CarrierEventKind = (typeof CARRIER_EVENT_KINDS)[number];

/**
 * A route event, normalised. The same physical scan yields the same `eventId` whether it arrived by push
 * or by active tracking, so the workflow can dedup the two paths. For a return waybill, `delivered` means
 * the warehouse signed for the parcel.
 */
export interface CarrierEvent {
  carrier: CarrierName;
  waybillNo: string;
  eventId: string;
  kind: CarrierEventKind;
  /** ISO-8601 instant (UTC). Carriers report Beijing wall-clock time; adapters convert. */
  at: string;
  remark: string;
  /** The carrier's own code (SF opCode, JD category), kept for support and for unmapped codes. */
  rawCode: string;
}

export interface CarrierClient {
  readonly name: CarrierName;
  /** Creates (or, for an orderId seen before, returns) the forward waybill. */
  createWaybill(input: CreateWaybillInput): Promise<WaybillResult>;
  /** Creates (or returns) the reverse waybill: the carrier picks up at the customer and delivers to the warehouse. */
  createReturnWaybill(input: CreateReturnWaybillInput): Promise<WaybillResult>;
  /** Cancels a waybill that has not been picked up yet; fails with a CarrierApiError otherwise. */
  cancelWaybill(input: CancelWaybillInput): Promise<void>;
  /** Every route event known so far, oldest first. An unknown waybill yields []. */
  trackWaybill(waybillNo: string): Promise<CarrierEvent[]>;
}
