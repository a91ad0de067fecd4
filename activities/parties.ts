import { ApplicationFailure } from '@temporalio/common';
import type { Party } from '../carriers/types';
import type { DbOrTx } from '../db/client';
import { findWarehouse } from '../db/queries/warehouses';
import type { Address, CanonicalOrder } from '../domain/order';

/**
 * The warehouse as a waybill party (sender of parcels, receiver of returns). Warehouses registered without
 * a contact phone print the brand's default sender phone.
 */
export async function warehouseParty(db: DbOrTx, warehouseId: string, defaultPhone: string): Promise<Party> {
  const warehouse = await findWarehouse(db, warehouseId);
  if (!warehouse) throw ApplicationFailure.nonRetryable(`warehouse ${warehouseId} is gone`, 'UnknownWarehouse');
  return {
    name: warehouse.contactName ?? warehouse.name,
    phone: warehouse.contactPhone ?? defaultPhone,
    province: warehouse.province,
    city: warehouse.city,
    district: '',
    detail: warehouse.address || warehouse.name,
  };
}

/** The buyer as a waybill party. */
export function customerParty(customer: CanonicalOrder['customer'], address: Address): Party {
  return { ...customer, ...address, district: address.district ?? '' };
}
