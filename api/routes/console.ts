/**
 * The ops console (docs/console.md): `GET /console` serves one page from this app; htmx on it asks the
 * `/console/ui/*` routes for HTML fragments. Those routes hold no data access of their own: each one calls the
 * /v1 API in-process with the caller's own `Authorization: Bearer` key (so the key's scopes apply exactly as
 * they do to curl) and renders the answer with Hono JSX (console/views.tsx). `/console` itself and its assets
 * need no key: the page logs in in the browser, keeping the key in sessionStorage only.
 * The reads it needed that /v1 lacked (orders counted by status, order search, a warehouse's pick tasks) are
 * ops routes (api/routes/ops.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono, type Context } from 'hono';
import { jsx } from 'hono/jsx';
import { CLIENT_CSS, CLIENT_JS } from '../../console/client';
import { langOf, pageLang, t } from '../../console/i18n';
import { maskPhone } from '../../domain/phone';
import {
  DeadLetterCard,
  DeadLetters,
  ErrorBox,
  FunnelToday,
  isFailure,
  OrderDetail,
  OrderResults,
  OrderSearch,
  Overview,
  OverviewLive,
  Page,
  PayloadFields,
  Reports,
  REVIEW_COUNT_LIMIT,
  ReviewTaskCard,
  ReviewTasks,
  STUCK_LIMIT,
  Warehouses,
  type ApiFailure,
  type DeadLetter,
  type OrderDetailData,
  type OrderRow,
  type OverviewData,
  type PrepackOutcomes,
  type ReviewTask,
  type TabId,
} from '../../console/views';
import { DAY_MS, shanghaiDate, shanghaiMidnight } from '../../domain/shanghai-time';
import { funnelSvg, warehouseHealthSvg } from '../../reports/charts';
import { CJK_FONT } from '../../reports/fonts';

// ── /console ──────────────────────────────────────────────────────────────────────────────────────────────

export interface ConsoleDeps {
  /** The /v1 API of this very app (`app.request`): every fragment is drawn from its answers. */
  api: (path: string, init: RequestInit) => Response | Promise<Response>;
  /**
   * The Temporal Web UI the order detail links to (`<url>/namespaces/<namespace>/workflows/order-<orderId>`);
   * default DEFAULT_TEMPORAL_UI; `url: undefined` (a Temporal server without a known UI): the workflow id, no link.
   */
  temporalUi?: { url: string | undefined; namespace: string } | undefined;
}

const requireResolve = createRequire(import.meta.url);
/** Read once, on first use: htmx from node_modules (never a CDN) and the CJK font the report charts use. */
const lazyFile = (path: () => string) => {
  let bytes: Buffer | undefined;
  return () => (bytes ??= readFileSync(path()));
};
const htmxJs = lazyFile(() => requireResolve.resolve('htmx.org/dist/htmx.min.js'));
const cjkFont = lazyFile(() => CJK_FONT.regular);

/** The key went bad while the page was open: answered 401 so the page goes back to its login. */
class SignedOut extends Error {}

type Answer<T> = T | ApiFailure;

function failureOf(status: number, body: unknown): ApiFailure {
  const error = (body as { error?: { code?: string; message?: string; issues?: ApiFailure['issues'] } } | undefined)?.error;
  return { status, code: error?.code, message: error?.message ?? (typeof body === 'string' ? body.slice(0, 300) : `HTTP ${status}`), issues: error?.issues };
}

/** HX-Trigger travels in a header: JSON with every non-ASCII character escaped. */
const asciiJson = (value: unknown) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

const PERIOD_DAYS = 7;

/** Whole days from a Shanghai date to now, that day included (1 to 365: what /v1/prepack/outcomes takes). */
const daysBack = (from: string) => Math.min(365, Math.max(1, Math.ceil((Date.now() - shanghaiMidnight(from).getTime()) / DAY_MS) || 1));

/** The embedded dev server's Web UI with the defaults of TEMPORAL_UI_PORT and TEMPORAL_NAMESPACE. */
export const DEFAULT_TEMPORAL_UI = { url: 'http://127.0.0.1:8233', namespace: 'default' } as const;

export function consoleRoutes({ api, temporalUi = DEFAULT_TEMPORAL_UI }: ConsoleDeps) {
  const langIn = (c: Context) => langOf(c.req.header('x-console-lang') ?? c.req.query('lang'));

  /** Calls /v1 with the caller's key; JSON (or SVG text) on success, the API's error otherwise. */
  async function call<T>(c: Context, method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const res = await api(path, {
      method,
      headers: { authorization: c.req.header('authorization') ?? '', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    const parsed: unknown = isJson && text ? JSON.parse(text) : text;
    if (res.status === 401) throw new SignedOut();
    if (res.status >= 400) return failureOf(res.status, parsed);
    return parsed as T;
  }

  /** A fragment for the panel, naming its tab (and the address-bar hash that reopens it) for the page. */
  const screen = (c: Context, html: ReturnType<typeof jsx>, tab: TabId, hash?: string, status: 200 | 404 | 409 | 422 | 400 | 502 | 503 = 200) =>
    c.html(html.toString(), status, { 'HX-Trigger': asciiJson({ 'console:screen': { tab, hash: hash ?? `tab=${tab}` } }), 'cache-control': 'no-store' });
  const fragment = (c: Context, html: ReturnType<typeof jsx>) => c.html(html.toString(), 200, { 'cache-control': 'no-store' });

  const qs = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
    const s = search.toString();
    return s ? `?${s}` : '';
  };

  async function overviewData(c: Context): Promise<OverviewData> {
    const olderThan = (c.req.query('olderThan') ?? '').trim() || '1h';
    const now = new Date();
    const [counts, backlog, stuck, review] = await Promise.all([
      call<Exclude<OverviewData['counts'], ApiFailure>>(c, 'GET', '/v1/ops/order-counts'),
      call<Record<string, unknown>>(c, 'GET', '/v1/ingest/backlog'),
      call<Exclude<OverviewData['stuck'], ApiFailure>>(c, 'GET', `/v1/ops/stuck-orders${qs({ olderThan, limit: STUCK_LIMIT })}`),
      call<Exclude<OverviewData['review'], ApiFailure>>(c, 'GET', `/v1/ops/review-tasks${qs({ state: 'open', limit: REVIEW_COUNT_LIMIT })}`),
    ]);
    return { counts, backlog, stuck, review, olderThan, now };
  }

  const routes = new Hono()
    .get('/', (c) => {
      const lang = pageLang(c.req.query('lang'), c.req.header('accept-language'));
      return c.html(`<!doctype html>${jsx(Page, { lang }).toString()}`, 200, { 'cache-control': 'no-store' });
    })
    .get('/assets/htmx.min.js', (c) => c.body(new Uint8Array(htmxJs()), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }))
    .get('/assets/console.js', (c) => c.body(CLIENT_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }))
    .get('/assets/console.css', (c) => c.body(CLIENT_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }))
    .get('/assets/cjk.otf', (c) => c.body(new Uint8Array(cjkFont()), 200, { 'content-type': 'font/otf', 'cache-control': 'public, max-age=86400' }))
    // The login's check: does this key open the ops API? Answered 200 either way (a refused key is the expected
    // answer of a check, not a failure of the page), with the API's own status: 200, 401 or 403.
    .get('/ui/session', async (c) => {
      const res = await api('/v1/ops/review-tasks?limit=1', { headers: { authorization: c.req.header('authorization') ?? '' } });
      await res.body?.cancel();
      return c.json({ ok: res.status === 200, status: res.status }, 200, { 'cache-control': 'no-store' });
    })
    .get('/ui/overview', async (c) => screen(c, jsx(Overview, { lang: langIn(c), data: await overviewData(c) }), 'overview'))
    .get('/ui/overview/live', async (c) => fragment(c, jsx(OverviewLive, { lang: langIn(c), data: await overviewData(c) })))
    .get('/ui/overview/funnel', async (c) => {
      // Today, Asia/Shanghai: from its midnight to now.
      const funnel = await call<Parameters<typeof FunnelToday>[0]['funnel']>(c, 'GET', `/v1/reports/funnel${qs({ from: shanghaiDate(new Date()) })}`);
      return fragment(c, jsx(FunnelToday, { lang: langIn(c), funnel }));
    })
    .get('/ui/orders', async (c) => {
      const q = c.req.query('q') ?? '';
      const status = c.req.query('status') ?? '';
      const results = await call<OrderRow[]>(c, 'GET', `/v1/ops/orders${qs({ q, status, limit: 50 })}`);
      return screen(c, jsx(OrderSearch, { lang: langIn(c), q, status, results }), 'orders');
    })
    .get('/ui/orders/results', async (c) => {
      const results = await call<OrderRow[]>(c, 'GET', `/v1/ops/orders${qs({ q: c.req.query('q'), status: c.req.query('status'), limit: 50 })}`);
      return fragment(c, jsx(OrderResults, { lang: langIn(c), results }));
    })
    .get('/ui/orders/:orderId', async (c) => {
      const lang = langIn(c);
      const orderId = c.req.param('orderId');
      const id = encodeURIComponent(orderId);
      const [order, review, found] = await Promise.all([
        call<OrderDetailData>(c, 'GET', `/v1/orders/${id}?tasks=all`),
        call<ReviewTask[]>(c, 'GET', `/v1/ops/review-tasks${qs({ orderId, state: 'all' })}`),
        call<OrderRow[]>(c, 'GET', `/v1/ops/orders${qs({ q: orderId, limit: 1 })}`),
      ]);
      if (isFailure(order)) return screen(c, jsx(ErrorBox, { lang, failure: order, context: orderId }), 'orders', `order=${orderId}`, order.status === 404 ? 404 : 200);
      // The phone as the order search shows it (masked); the workflow's state has it in clear.
      const phone = !isFailure(found) && found[0]?.orderId === orderId ? found[0].phone : maskPhone(order.customer.phone);
      const temporalLink = temporalUi.url
        ? `${temporalUi.url.replace(/\/$/, '')}/namespaces/${encodeURIComponent(temporalUi.namespace)}/workflows/${encodeURIComponent(order.workflowId)}`
        : undefined;
      return screen(c, jsx(OrderDetail, { lang, order, phone, temporalLink, review }), 'orders', `order=${orderId}`);
    })
    .get('/ui/review-tasks', async (c) => {
      const filter = { state: c.req.query('state') || 'open', kind: c.req.query('kind') ?? '', orderId: c.req.query('orderId') ?? '' };
      const tasks = await call<ReviewTask[]>(c, 'GET', `/v1/ops/review-tasks${qs({ ...filter, limit: 200 })}`);
      return screen(c, jsx(ReviewTasks, { lang: langIn(c), filter, tasks }), 'review');
    })
    .post('/ui/review-tasks/:id/resolve', async (c) => {
      const lang = langIn(c);
      const id = c.req.param('id');
      const form = await c.req.parseBody();
      const resolution = String(form.resolution ?? '').trim();
      const note = String(form.note ?? '').trim();
      const resolved = await call<ReviewTask>(c, 'POST', `/v1/ops/review-tasks/${encodeURIComponent(id)}/resolve`, { resolution, ...(note ? { note } : {}) });
      if (!isFailure(resolved)) return fragment(c, jsx(ReviewTaskCard, { lang, task: resolved, flash: { ok: true, text: t(lang, 'resolvedOk') } }));
      // Refused (empty resolution, already resolved, …): the card as it stands now, with the API's reason.
      const current = await call<ReviewTask[]>(c, 'GET', `/v1/ops/review-tasks${qs({ state: 'all', limit: 500 })}`);
      const task = isFailure(current) ? undefined : current.find((t) => t.id === id);
      const error = jsx(ErrorBox, { lang, failure: resolved });
      if (!task) return fragment(c, error);
      return fragment(c, jsx(ReviewTaskCard, { lang, task, flash: { ok: false, text: error } }));
    })
    .get('/ui/dead-letters', async (c) => {
      const status = c.req.query('status') || 'open';
      const letters = await call<DeadLetter[]>(c, 'GET', `/v1/ingest/dead-letters${qs({ status, limit: 200 })}`);
      return screen(c, jsx(DeadLetters, { lang: langIn(c), status, letters }), 'dead-letters');
    })
    .get('/ui/dead-letters/:id/payload', async (c) => {
      const lang = langIn(c);
      const letter = await call<DeadLetter>(c, 'GET', `/v1/ingest/dead-letters/${encodeURIComponent(c.req.param('id'))}`);
      return fragment(c, isFailure(letter) ? jsx(ErrorBox, { lang, failure: letter }) : jsx(PayloadFields, { lang, payload: letter.payload }));
    })
    .post('/ui/dead-letters/:id/replay', async (c) => {
      const lang = langIn(c);
      const id = encodeURIComponent(c.req.param('id'));
      const replayed = await call<{ deadLetter: DeadLetter }>(c, 'POST', `/v1/ingest/dead-letters/${id}/replay`);
      if (!isFailure(replayed)) return fragment(c, jsx(DeadLetterCard, { lang, letter: replayed.deadLetter }));
      const letter = await call<DeadLetter>(c, 'GET', `/v1/ingest/dead-letters/${id}`);
      const error = jsx(ErrorBox, { lang, failure: replayed });
      return fragment(c, isFailure(letter) ? error : jsx(DeadLetterCard, { lang, letter: { ...letter, payload: undefined }, flash: error }));
    })
    .get('/ui/warehouses', async (c) => {
      const lang = langIn(c);
      const warehouses = await call<{ id: string; name: string; city: string }[]>(c, 'GET', '/v1/warehouses');
      const selected = c.req.query('warehouseId') || (isFailure(warehouses) ? undefined : warehouses[0]?.id);
      const [waves, tasks] = selected
        ? await Promise.all([
            call<Parameters<typeof Warehouses>[0]['waves']>(c, 'GET', `/v1/waves${qs({ warehouseId: selected, limit: 50 })}`),
            call<Parameters<typeof Warehouses>[0]['tasks']>(c, 'GET', `/v1/ops/warehouse-tasks${qs({ warehouseId: selected, status: 'all', limit: 100 })}`),
          ])
        : [undefined, undefined];
      return screen(c, jsx(Warehouses, { lang, warehouses, selected, waves, tasks }), 'warehouses', selected ? `tab=warehouses` : undefined);
    })
    .get('/ui/reports', async (c) => {
      const lang = langIn(c);
      const now = new Date();
      const to = c.req.query('to') || shanghaiDate(now);
      const from = c.req.query('from') || shanghaiDate(now.getTime() - (PERIOD_DAYS - 1) * 86_400_000);
      // Dates, read in Asia/Shanghai by the reports: `to` includes its whole day.
      const period = qs({ from, to });
      const [funnel, heatmap, health, prepack] = await Promise.all([
        call<{ stages: Parameters<typeof funnelSvg>[0] }>(c, 'GET', `/v1/reports/funnel${period}`),
        call<string>(c, 'GET', `/v1/reports/heatmap${period}&format=svg`),
        call<{ date: string; warehouses: Parameters<typeof warehouseHealthSvg>[0] }>(c, 'GET', `/v1/reports/warehouse-health${qs({ date: to })}`),
        // Pre-packs are counted over whole days back from now: the days the period spans up to today.
        call<PrepackOutcomes>(c, 'GET', `/v1/prepack/outcomes${qs({ days: daysBack(from) })}`),
      ]);
      const subtitle = `${from} — ${to}`;
      return screen(
        c,
        jsx(Reports, {
          lang,
          period: { from, to },
          funnel: isFailure(funnel) ? funnel : { svg: stripProlog(funnelSvg(funnel.stages, subtitle)), stages: funnel.stages },
          heatmapSvg: isFailure(heatmap) ? heatmap : stripProlog(heatmap),
          health: isFailure(health) ? health : { svg: stripProlog(warehouseHealthSvg(health.warehouses, health.date)), date: health.date },
          prepack,
        }),
        'reports',
      );
    });

  routes.onError((err, c) => {
    if (err instanceof SignedOut) return c.html(jsx(ErrorBox, { lang: langIn(c), failure: { status: 401, message: 'unknown or revoked API key' } }).toString(), 401);
    throw err;
  });
  return routes;
}

/** An SVG document inlined into HTML: no XML prolog or doctype. */
const stripProlog = (svg: string) => svg.replace(/^\s*<\?xml[^>]*>\s*/, '').replace(/^\s*<!DOCTYPE[^>]*>\s*/i, '');
