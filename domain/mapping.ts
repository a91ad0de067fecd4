/**
 * Field mapping as data: a rule set says where each canonical order field comes from in a platform's
 * order JSON, so a platform changing a field name is a data change, not a code change.
 *
 * Paths are dotted (`receiver_city`, `post_addr.city.name`); `[]` marks the array the order lines come
 * from (`orders.order[].outer_sku_id`). Every `lines[].*` rule reads from the same array, element by element.
 *
 * Pure: no I/O, no Node built-ins. The result is checked against `canonicalOrderSchema`, and every
 * problem names both the canonical field and the source path it was read from.
 */
import { z } from 'zod';
import type { CanonicalOrder } from './order';
import { canonicalOrderSchema } from './order-schema';

export const ORDER_TARGETS = [
  'channel',
  'channelOrderId',
  'storeId',
  'createdAt',
  'paidAt',
  'urgent',
  'customer.name',
  'customer.phone',
  'shippingAddress.province',
  'shippingAddress.city',
  'shippingAddress.district',
  'shippingAddress.detail',
  'shippingAddress.postalCode',
  'buyerMessage',
] as const;
export const LINE_TARGETS = ['lines[].sku', 'lines[].quantity', 'lines[].unitPriceFen', 'lines[].title'] as const;

export const TRANSFORMS = [
  /** "200.07" or 200.07 → 20007, by string arithmetic so no float error creeps in. */
  'yuanToFen',
  /** 1714537800 → "2024-05-01T04:30:00.000Z"; 0 means "not yet" (unpaid) and maps to nothing. */
  'unixSecondsToIso',
  /** "2024-05-01 12:30:00" (Beijing time, no zone) → "2024-05-01T12:30:00+08:00". */
  'beijingTimeToIso',
  /** Joins the non-empty values of `sources` with `separator` (default ""). */
  'join',
  'toString',
  'toInt',
  /** Fails the mapping when the value is missing or blank, instead of falling back to `default`. */
  'nonEmpty',
] as const;
export type Transform = (typeof TRANSFORMS)[number];

const pathSchema = z
  .string()
  .regex(/^[A-Za-z0-9_$]+(\[\])?(\.[A-Za-z0-9_$]+(\[\])?)*$/, 'a dotted path such as "a.b[].c"')
  .refine((p) => p.split('[]').length <= 2, 'at most one "[]" per path');

export const mappingRuleSchema = z
  .object({
    target: z.enum([...ORDER_TARGETS, ...LINE_TARGETS]),
    source: pathSchema.optional(),
    sources: z.array(pathSchema).min(1).optional(),
    transform: z.enum(TRANSFORMS).optional(),
    separator: z.string().optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  })
  .superRefine((rule, ctx) => {
    const isJoin = rule.transform === 'join';
    if (isJoin !== (rule.sources !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['sources'], message: '"sources" goes with transform "join", and only with it' });
    }
    if (rule.source !== undefined && rule.sources !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'give "source" or "sources", not both' });
    }
    if (rule.source === undefined && rule.sources === undefined && rule.default === undefined) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'a rule needs a source, sources or a default' });
    }
    const isLine = rule.target.startsWith('lines[].');
    for (const path of pathsOf(rule)) {
      if (path.includes('[]') !== isLine) {
        ctx.addIssue({
          code: 'custom',
          path: ['source'],
          message: isLine ? `${path}: a lines[] rule must read from an array ("…[]…")` : `${path}: only lines[] rules may read from an array`,
        });
      }
    }
  });
export type MappingRule = z.input<typeof mappingRuleSchema>;

export const mappingRuleSetSchema = z.array(mappingRuleSchema).min(1).superRefine((rules, ctx) => {
  const arrays = new Set(rules.flatMap((r) => pathsOf(r).filter((p) => p.includes('[]')).map(arrayPathOf)));
  if (arrays.size === 0) {
    ctx.addIssue({ code: 'custom', message: 'no lines[] rule says which array the order lines come from' });
  }
  if (arrays.size > 1) {
    ctx.addIssue({ code: 'custom', message: `lines[] rules read from different arrays: ${[...arrays].join(', ')}` });
  }
});
export type MappingRuleSet = readonly MappingRule[];

export interface MappingIssue {
  /** The canonical field, e.g. "customer.phone" or "lines[1].sku"; "rules[3].source" for a broken rule. */
  path: string;
  /** Where the value was read from, e.g. "orders.order[1].outer_sku_id". */
  source?: string;
  message: string;
}
export type MappingResult = { ok: true; order: CanonicalOrder } | { ok: false; issues: MappingIssue[] };

export function applyMapping(rules: MappingRuleSet, payload: unknown): MappingResult {
  const compiled = compiledRuleSet(rules);
  if (!compiled.ok) return { ok: false, issues: compiled.issues };
  const issues: MappingIssue[] = [];
  const draft: Record<string, unknown> = {};

  for (const rule of compiled.orderRules) {
    const value = evaluate(rule, payload, rule.parsed.target, undefined, issues);
    if (value !== undefined) setPath(draft, rule.targetKeys, value);
  }

  const { lineRules, arrayPath } = compiled;
  const elements = readKeys(payload, compiled.arrayKeys);
  if (Array.isArray(elements)) {
    const lines: Record<string, unknown>[] = [];
    for (let i = 0; i < elements.length; i++) {
      const line: Record<string, unknown> = {};
      for (const rule of lineRules) {
        // Line rules read relative to their element: "orders.order[].num" → element.num.
        const value = evaluate(rule, elements[i], `lines[${i}].${rule.field}`, i, issues);
        if (value !== undefined) line[rule.field] = value;
      }
      lines.push(line);
    }
    draft.lines = lines;
  } else if (elements !== undefined) {
    issues.push({ path: 'lines', source: arrayPath, message: 'expected an array' });
  }
  if (issues.length > 0) return { ok: false, issues };

  const checked = canonicalOrderSchema.safeParse(draft);
  if (checked.success) return { ok: true, order: checked.data };
  return {
    ok: false,
    issues: checked.error.issues.map((issue) => describe(issue.path, issue.message, compiled.rules, arrayPath)),
  };
}

type Parsed = z.output<typeof mappingRuleSchema>;
type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

/** A rule ready to apply: its target and source paths split once. */
interface CompiledRule {
  parsed: Parsed;
  /** The canonical field: "customer.phone", or "sku" for "lines[].sku". */
  field: string;
  targetKeys: string[];
  /** The keys of each source path; a line rule's relative to its element. */
  sourceKeys: string[][];
}

type Compiled =
  | { ok: true; rules: readonly Parsed[]; orderRules: CompiledRule[]; lineRules: CompiledRule[]; arrayPath: string; arrayKeys: string[] }
  | { ok: false; issues: MappingIssue[] };

/**
 * Rule sets checked and prepared so far, by identity: the consumer maps every order of a burst with the same
 * few rule sets (a platform's default, or the stored one it keeps for a while), and checking a set again for
 * each order was a tenth of the worker's CPU at the peak. Rule sets are read-only data: checked once, they
 * stay checked.
 */
const compiledSets = new WeakMap<MappingRuleSet, Compiled>();

function compiledRuleSet(rules: MappingRuleSet): Compiled {
  let compiled = compiledSets.get(rules);
  if (!compiled) {
    compiled = compile(rules);
    compiledSets.set(rules, compiled);
  }
  return compiled;
}

function compile(rules: MappingRuleSet): Compiled {
  const parsed = mappingRuleSetSchema.safeParse(rules);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => ({ path: `rules${formatPath(i.path)}`, message: i.message })) };
  const isLine = (r: Parsed) => r.target.startsWith('lines[].');
  const lineRules = parsed.data.filter(isLine);
  const arrayPath = lineRules.flatMap(pathsOf).map(arrayPathOf)[0] ?? '';
  const keysOf = (path: string) => (path === '' ? [] : path.split('.'));
  return {
    ok: true,
    rules: parsed.data,
    orderRules: parsed.data
      .filter((r) => !isLine(r))
      .map((r) => ({ parsed: r, field: r.target, targetKeys: r.target.split('.'), sourceKeys: pathsOf(r).map(keysOf) })),
    lineRules: lineRules.map((r) => {
      const field = r.target.slice('lines[].'.length);
      return { parsed: r, field, targetKeys: [field], sourceKeys: pathsOf(r).map((path) => keysOf(path.slice(arrayPath.length + 1))) };
    }),
    arrayPath,
    arrayKeys: keysOf(arrayPath.slice(0, -2)),
  };
}

/**
 * Reads and transforms one rule's value at `root` (the order, or a line's element), recording any failure
 * under `field`; `undefined` means "leave the field out". `line` names the source of a line rule's failure.
 */
function evaluate(rule: CompiledRule, root: unknown, field: string, line: number | undefined, issues: MappingIssue[]): unknown {
  const { parsed, sourceKeys } = rule;
  let raw: unknown;
  if (parsed.sources) {
    const values: unknown[] = [];
    for (const keys of sourceKeys) values.push(readKeys(root, keys));
    raw = values;
  } else if (parsed.source) raw = readKeys(root, sourceKeys[0]!);
  const outcome = transform(parsed, raw);
  if (!outcome.ok) {
    // The source path as it applies here, e.g. "orders.order[2].num" for the third line.
    const source = pathsOf(parsed)
      .map((path) => (line === undefined ? path : path.replace('[]', `[${line}]`)))
      .join(' + ');
    issues.push({ path: field, ...(source ? { source } : {}), message: outcome.message });
    return undefined;
  }
  return isMissing(outcome.value) ? parsed.default : outcome.value;
}

function transform(rule: Parsed, raw: unknown): Outcome {
  if (rule.transform === 'join') {
    const parts = (raw as unknown[]).filter((v) => !isMissing(v));
    const bad = parts.find((v) => typeof v !== 'string' && typeof v !== 'number');
    if (bad !== undefined) return { ok: false, message: 'join needs text or number values' };
    return { ok: true, value: parts.map(String).join(rule.separator ?? '') };
  }
  if (rule.transform === 'nonEmpty') {
    return typeof raw === 'string' && raw.trim() !== '' ? { ok: true, value: raw } : { ok: false, message: 'must not be empty' };
  }
  if (isMissing(raw) || rule.transform === undefined) return { ok: true, value: raw };
  return CONVERSIONS[rule.transform](raw);
}

const CONVERSIONS: Record<Exclude<Transform, 'join' | 'nonEmpty'>, (raw: unknown) => Outcome> = {
  yuanToFen(raw) {
    const text = typeof raw === 'number' ? String(raw) : raw;
    const match = typeof text === 'string' ? /^(\d+)(?:\.(\d+))?$/.exec(text.trim()) : null;
    // Digits past the second decimal must be zeros: a third significant digit is not a fen amount.
    if (!match || /[1-9]/.test(match[2]?.slice(2) ?? '')) return { ok: false, message: 'expected a yuan amount such as "200.07"' };
    const fen = Number(match[1]) * 100 + Number((match[2] ?? '').slice(0, 2).padEnd(2, '0'));
    return Number.isSafeInteger(fen) ? { ok: true, value: fen } : { ok: false, message: 'amount too large' };
  },
  unixSecondsToIso(raw) {
    const seconds = toInteger(raw);
    if (seconds === undefined) return { ok: false, message: 'expected unix seconds' };
    return { ok: true, value: seconds === 0 ? undefined : new Date(seconds * 1000).toISOString() };
  },
  beijingTimeToIso(raw) {
    const match = typeof raw === 'string' ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(raw.trim()) : null;
    if (!match) return { ok: false, message: 'expected Beijing time "yyyy-MM-dd HH:mm:ss"' };
    return { ok: true, value: `${match[1]}T${match[2]}+08:00` };
  },
  toString(raw) {
    if (typeof raw === 'string') return { ok: true, value: raw };
    if (typeof raw === 'number' && Number.isSafeInteger(raw)) return { ok: true, value: String(raw) };
    return { ok: false, message: 'expected text or a whole number' };
  },
  toInt(raw) {
    const value = toInteger(raw);
    return value === undefined ? { ok: false, message: 'expected a whole number' } : { ok: true, value };
  },
};

function toInteger(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) return toInteger(Number(raw));
  return undefined;
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function pathsOf(rule: Pick<Parsed, 'source' | 'sources'>): string[] {
  return rule.sources ?? (rule.source ? [rule.source] : []);
}

/** "orders.order[].outer_sku_id" → "orders.order[]". */
function arrayPathOf(path: string): string {
  return path.slice(0, path.indexOf('[]') + 2);
}

function readKeys(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let at = target;
  for (let i = 0; i < keys.length - 1; i++) at = (at[keys[i]!] ??= {}) as Record<string, unknown>;
  if (keys.length > 0) at[keys[keys.length - 1]!] = value;
}

/** Turns a canonical-schema issue back into "which field, read from where". */
function describe(path: readonly PropertyKey[], message: string, rules: readonly Parsed[], arrayPath: string): MappingIssue {
  const at = formatPath(path).replace(/^\./, '');
  const index = typeof path[1] === 'number' ? path[1] : undefined;
  if (path[0] === 'lines' && index === undefined) return { path: at, source: arrayPath, message };
  const target = index === undefined ? at : `lines[].${path.slice(2).join('.')}`;
  // An issue on a whole object ("shippingAddress") concerns every rule filling one of its fields.
  const matching = rules.filter((r) => r.target === target || r.target.startsWith(`${target}.`));
  const sources = matching.flatMap(pathsOf).map((p) => (index === undefined ? p : p.replace('[]', `[${index}]`)));
  if (sources.length === 0) return { path: at, message: `${message} (${matching.length > 0 ? "from the rule's default" : 'no rule maps this field'})` };
  return { path: at, source: sources.join(' + '), message };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}
