import { describe, expect, it } from 'vitest';
import { skuBodySchema } from '../../domain/sku';

describe('skuBodySchema (PUT /v1/skus/:sku)', () => {
  it.each([
    { name: 'an empty body (nothing changes)', body: {} },
    { name: 'a full supplier', body: { title: '保温杯', safetyStock: 20, supplier: { offerId: '610000000001', specId: 'b7e1', pricePerUnitFen: 1200 } } },
    { name: 'a supplier without spec or price', body: { supplier: { offerId: '610000000001' } } },
    { name: 'forgetting the supplier', body: { supplier: null } },
  ])('when given $name, then it is accepted unchanged', ({ body }) => {
    expect(skuBodySchema.parse(body)).toEqual(body);
  });

  it.each([
    { name: 'a negative safety stock', body: { safetyStock: -1 }, path: ['safetyStock'] },
    { name: 'a fractional safety stock', body: { safetyStock: 1.5 }, path: ['safetyStock'] },
    { name: 'an offer id that is not digits', body: { supplier: { offerId: 'abc' } }, path: ['supplier', 'offerId'] },
    { name: 'a supplier without offer id', body: { supplier: { specId: 'x' } }, path: ['supplier', 'offerId'] },
    { name: 'a fractional price', body: { supplier: { offerId: '1', pricePerUnitFen: 9.9 } }, path: ['supplier', 'pricePerUnitFen'] },
    { name: 'a misspelt supplier field', body: { supplier: { offerId: '1', specID: 'x' } }, path: ['supplier'] },
    { name: 'an unknown field', body: { colour: 'red' }, path: [] },
  ])('when given $name, then it is refused at $path', ({ body, path }) => {
    const result = skuBodySchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(path);
  });
});
