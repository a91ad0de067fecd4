/** Rule sets kept as data (allocation rules, carrier rules): an ordered list whose rules have distinct ids. */
import { z } from 'zod';

/** `{ rules: [...] }` of `rule`, `min`–`max` long, refusing a repeated id at the repeat's path. */
export function ruleSetSchema<R extends z.ZodType<{ id: string }>>(rule: R, size: { min?: number; max: number }) {
  return z
    .object({ rules: z.array(rule).min(size.min ?? 0).max(size.max) })
    .strict()
    .superRefine((set, ctx) => {
      const seen = new Set<string>();
      set.rules.forEach((r, i) => {
        if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id ${r.id}` });
        seen.add(r.id);
      });
    });
}
