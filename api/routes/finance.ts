import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listStatementImports } from '../../db/queries/statements';
import { DEFAULT_COST_RATES, type CostRates } from '../../domain/costs';
import { statementPlatformOf, STATEMENT_PLATFORMS, type StatementPlatform } from '../../domain/finance';
import { monthsBetween, profitReport } from '../../finance/profit';
import { reconcile, reconciliationCsv } from '../../finance/reconciliation';
import { StatementError } from '../../finance/statement-reader';
import { importStatement } from '../../finance/statements';
import { requireScope, type ApiEnv } from '../auth';
import { ApiError } from '../errors';
import { doc } from '../openapi';
import { validate } from '../validate';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const platformParam = z.object({
  platform: z
    .string()
    .transform((p, ctx) => {
      const known = statementPlatformOf(p);
      if (!known) ctx.addIssue({ code: 'custom', message: `one of ${STATEMENT_PLATFORMS.join(', ')} (tmall and alipay name the taobao statement)` });
      return known as StatementPlatform;
    }),
});
const reconciliationQuery = z.object({
  month,
  platform: platformParam.shape.platform,
  format: z.enum(['json', 'csv']).default('json'),
});
const profitQuery = z
  .object({
    month: month.optional(),
    from: month.optional(),
    to: month.optional(),
    channel: z.string().trim().min(1).max(32).optional(),
    groupBy: z.enum(['order', 'sku', 'channel', 'month']).default('channel'),
    format: z.enum(['json', 'csv']).default('json'),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .refine((q) => q.month !== undefined || (q.from !== undefined && q.to !== undefined), { message: 'give month, or from and to', path: ['month'] })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] })
  .refine((q) => !q.from || !q.to || monthsBetween(q.from, q.to).length < 24, { message: 'at most 24 months', path: ['to'] });

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: readonly Record<string, unknown>[]) => {
  const header = Object.keys(rows[0] ?? {});
  return [header, ...rows.map((r) => header.map((h) => r[h]))].map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
};
const sendCsv = (c: Context, body: string, name: string) =>
  c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });

/** Statement files can be large (a month of a busy shop): streamed, up to this size. */
export const STATEMENT_MAX_BYTES = 256 * 1024 * 1024;

/** The request's file: the raw body (`text/csv`, any charset), or the multipart field `file`. */
async function statementBody(c: Context): Promise<{ stream: AsyncIterable<Uint8Array>; fileName: string | null }> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.parseBody();
    const file = form.file;
    if (!(file instanceof File)) throw new ApiError(400, 'VALIDATION_FAILED', 'form.file: the statement file is missing', [{ path: 'form.file', message: 'the statement file is missing' }]);
    return { stream: file.stream() as unknown as AsyncIterable<Uint8Array>, fileName: file.name || null };
  }
  const body = c.req.raw.body;
  if (!body) throw new ApiError(400, 'VALIDATION_FAILED', 'body: the statement file is missing', [{ path: 'body', message: 'the statement file is missing' }]);
  const name = c.req.query('fileName') ?? c.req.header('x-file-name') ?? null;
  return { stream: body as unknown as AsyncIterable<Uint8Array>, fileName: name ? decodeURIComponent(name) : null };
}

export interface FinanceRouteDeps {
  db: Db;
  costRates?: CostRates | undefined;
}

/** `/v1/finance`: settlement statements, month-end reconciliation and profit (docs/finance.md). */
export function financeRoutes({ db, costRates = DEFAULT_COST_RATES }: FinanceRouteDeps) {
  return new Hono<ApiEnv>()
    .post(
      '/statements/:platform',
      doc('Import a settlement statement as exported from the seller back office (raw CSV body in any charset, or multipart field `file`); each row stored once by its own row id', {
        200: '{id, platform, rows, newRows, sameFileAsBefore, encoding, kinds, firstAt, lastAt}',
        400: 'unknown platform, or the file lacks the statement columns (named), or a row is unreadable; nothing stored',
      }),
      requireScope('ops'),
      validate('param', platformParam),
      async (c) => {
        const { platform } = c.req.valid('param');
        const { stream, fileName } = await statementBody(c);
        try {
          return c.json(await importStatement(db, platform, stream, fileName));
        } catch (err) {
          if (err instanceof StatementError) throw new ApiError(400, 'STATEMENT_REFUSED', err.message, err.issues);
          throw err;
        }
      },
    )
    .get(
      '/statements',
      doc('Imported statement files, newest first', { 200: '{items: [{id, platform, fileName, rows, newRows, importedAt}]}' }),
      requireScope('ops'),
      validate('query', z.object({ platform: platformParam.shape.platform.optional() })),
      async (c) => c.json({ items: await listStatementImports(db, c.req.valid('query').platform) }),
    )
    .get(
      '/reconciliation',
      doc('Month-end reconciliation of one statement account: OMS orders paid in the Asia/Shanghai month against the statement (?format=csv)', {
        200: '{matched, amountMismatch, missingInStatement, missingInOms, refunds, fees, totalsFen}',
        400: 'bad month or platform',
      }),
      requireScope('ops'),
      validate('query', reconciliationQuery),
      async (c) => {
        const q = c.req.valid('query');
        const r = await reconcile(db, q.platform, q.month);
        if (q.format === 'csv') return sendCsv(c, reconciliationCsv(r), `reconciliation-${q.platform}-${q.month}.csv`);
        const { matchedOrderIds: _ids, ...body } = r;
        return c.json(body);
      },
    )
    .get(
      '/profit',
      doc('Profit per order, SKU, channel or month: revenue − platform fees (statement, else configured rates) − fulfilment cost (carrier, transfer, purchase premium, labour)', {
        200: '{months, groupBy, totals, groups, orders?}',
        400: 'bad month range',
      }),
      requireScope('ops'),
      validate('query', profitQuery),
      async (c) => {
        const q = c.req.valid('query');
        const months = q.month ? [q.month] : monthsBetween(q.from!, q.to!);
        const report = await profitReport(db, { months, groupBy: q.groupBy, channel: q.channel, limit: q.limit, offset: q.offset }, costRates);
        if (q.format === 'csv') {
          const rows = q.groupBy === 'order' ? (report.orders ?? []) : report.groups;
          return sendCsv(c, csv(rows as unknown as Record<string, unknown>[]), `profit-${q.groupBy}-${months[0]}.csv`);
        }
        return c.json(report);
      },
    );
}
