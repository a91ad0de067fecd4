/** SKU master data the allocation reads: safety stock and the 1688 offer an urgent shortfall is bought from. */
import { z } from 'zod';

export const supplierOfferSchema = z
  .object({
    /** The 1688 offer (商品) id. */
    offerId: z.string().trim().regex(/^\d{1,20}$/, 'a 1688 offer id: digits only'),
    /** The variant (规格) on the offer page; omit for single-variant offers. */
    specId: z.string().trim().min(1).max(64).optional(),
    /** Last known unit price, for information only (1688 prices the order). */
    pricePerUnitFen: z.number().int().nonnegative().optional(),
  })
  .strict();
export type SupplierOfferData = z.output<typeof supplierOfferSchema>;

/** `PUT /v1/skus/:sku`: fields left out keep their value; `supplier: null` forgets the supplier. */
export const skuBodySchema = z
  .object({
    title: z.string().trim().max(256).optional(),
    safetyStock: z.number().int().min(0).max(10_000_000).optional(),
    supplier: supplierOfferSchema.nullable().optional(),
  })
  .strict();
export type SkuBody = z.output<typeof skuBodySchema>;
