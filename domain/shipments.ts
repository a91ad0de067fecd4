/** A forward parcel's progress, as carrier events move it (pushes and active tracking alike). */
export type ShipmentStatus = 'created' | 'picked_up' | 'in_transit' | 'delivered' | 'exception';

/** The status a carrier event of this kind moves a parcel to; undefined leaves it as it is. Delivered is final. */
export function shipmentStatusOn(current: ShipmentStatus, kind: string): ShipmentStatus | undefined {
  if (current === 'delivered') return undefined;
  switch (kind) {
    case 'delivered':
    case 'picked_up':
    case 'exception':
      return kind;
    case 'in_transit':
    case 'out_for_delivery':
      return 'in_transit';
    default:
      return undefined;
  }
}
