/**
 * The canonical order's schemas (zod): what `POST /v1/orders` accepts and what every channel mapping must
 * produce. Apart from domain/order.ts, which workflow code imports, so workflows never build them.
 */
import { z } from 'zod';
import { CHANNELS } from './order';

const isoDateTime = z.iso.datetime({ offset: true });

export const addressSchema = z.object({
  province: z.string().trim().min(1).max(32),
  city: z.string().trim().min(1).max(64),
  district: z.string().trim().max(64).default(''),
  detail: z.string().trim().min(1).max(256),
  postalCode: z.string().trim().max(16).optional(),
});
export type Address = z.infer<typeof addressSchema>;

export const orderLineSchema = z.object({
  // No control characters: a SKU is a code printed on labels, pick lists and CSV exports.
  sku: z.string().trim().min(1).max(64).regex(/^\P{Cc}+$/u, 'a SKU has no control characters'),
  quantity: z.number().int().positive().max(100_000),
  unitPriceFen: z.number().int().nonnegative(),
  title: z.string().max(256).optional(),
});
export type OrderLine = z.infer<typeof orderLineSchema>;

/** The one order shape every channel is mapped to (and `POST /v1/orders` accepts). Money is integer fen. */
export const canonicalOrderSchema = z
  .object({
    channel: z.enum(CHANNELS),
    channelOrderId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-", at most 64 characters'),
    storeId: z.string().max(64).optional(),
    createdAt: isoDateTime,
    paidAt: isoDateTime.nullable().optional(),
    urgent: z.boolean().default(false),
    customer: z.object({
      name: z.string().trim().min(1).max(64),
      phone: z.string().trim().min(3).max(32),
    }),
    shippingAddress: addressSchema,
    lines: z.array(orderLineSchema).min(1).max(200),
    buyerMessage: z.string().max(1000).optional(),
  })
  .superRefine((order, ctx) => {
    const seen = new Set<string>();
    order.lines.forEach((line, i) => {
      if (seen.has(line.sku)) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'sku'], message: `duplicate SKU ${line.sku}; merge the lines` });
      }
      seen.add(line.sku);
    });
  });
export type CanonicalOrderInput = z.input<typeof canonicalOrderSchema>;
export type CanonicalOrder = z.output<typeof canonicalOrderSchema>;
