import { describe, expect, it } from 'vitest';
import { shipmentStatusOn, type ShipmentStatus } from '../../domain/shipments';

describe('a parcel moved by carrier events', () => {
  it.each<[ShipmentStatus, string, ShipmentStatus | undefined]>([
    ['created', 'created', undefined],
    ['created', 'picked_up', 'picked_up'],
    ['picked_up', 'in_transit', 'in_transit'],
    ['in_transit', 'out_for_delivery', 'in_transit'],
    ['in_transit', 'exception', 'exception'],
    ['exception', 'delivered', 'delivered'],
    ['delivered', 'exception', undefined],
    ['delivered', 'in_transit', undefined],
  ])('when a %s parcel gets a %s event, then it is %s', (current, kind, expected) => {
    expect(shipmentStatusOn(current, kind)).toBe(expected);
  });
});
