/** @jsxImportSource hono/jsx */
/**
 * The console's HTML, rendered on the server with Hono JSX from what the /v1 API answered (api/routes/console.ts
 * makes the calls with the signed-in key). htmx swaps these fragments into the page; the attributes below
 * (`hx-get`, `hx-trigger`, …) are the whole client-side behaviour besides console/client.ts.
 */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { StockLine } from '../domain/stock';
import { duration, oneDecimal, percent, shanghaiTime, yuan } from './format';
import { LANGS, STATUSES, statusLabel, t, type Lang, type Word } from './i18n';

/** Rows the overview asks for: the stuck orders listed (longest stuck first), the open review tasks counted. */
export const STUCK_LIMIT = 50;
export const REVIEW_COUNT_LIMIT = 500;
/** A count that reached the limit asked for: "500+". */
const atMost = (n: number, limit: number) => (n >= limit ? `${limit}+` : String(n));

/** Seconds between refreshes of the overview (orders by status, backlog, stuck orders, review tasks). */
export const REFRESH_SECONDS = 5;
/** Today's funnel counts a day of orders: refreshed on its own, less often, so a slow count never holds up the rest. */
export const FUNNEL_REFRESH_SECONDS = 30;

export const TABS = [
  { id: 'overview', word: 'tabOverview', path: '/console/ui/overview' },
  { id: 'orders', word: 'tabOrders', path: '/console/ui/orders' },
  { id: 'review', word: 'tabReview', path: '/console/ui/review-tasks' },
  { id: 'dead-letters', word: 'tabDeadLetters', path: '/console/ui/dead-letters' },
  { id: 'warehouses', word: 'tabWarehouses', path: '/console/ui/warehouses' },
  { id: 'reports', word: 'tabReports', path: '/console/ui/reports' },
] as const satisfies readonly { id: string; word: Word; path: string }[];
export type TabId = (typeof TABS)[number]['id'];

/** Words the browser script needs (login errors), handed over as JSON in the page. */
const CLIENT_WORDS = ['keyRejected', 'keyNoScope', 'keyEmpty', 'unreachable', 'sessionEnded', 'signingIn', 'error'] as const;

// ── The page ───────────────────────────────────────────────────────────────────────────────────────────────

export function Page({ lang }: { lang: Lang }) {
  const other = LANGS.find((l) => l !== lang)!;
  const words = Object.fromEntries(CLIENT_WORDS.map((w) => [w, t(lang, w)]));
  return (
    <html lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${t(lang, 'title')} · OMS`}</title>
        {/* No favicon request: nothing on this page may fail, before or after login. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/console/assets/console.css" />
        {/* The CJK font comes from this server (machines may be offline and have no Chinese font of their own). */}
        <link rel="preload" href="/console/assets/cjk.otf" as="font" type="font/otf" crossorigin="anonymous" />
        <script src="/console/assets/htmx.min.js" defer></script>
        <script src="/console/assets/console.js" defer></script>
        <script type="application/json" id="console-words">{raw(JSON.stringify(words).replace(/</g, '\\u003c'))}</script>
      </head>
      <body>
        <a class="skip" href="#panel">
          {lang === 'zh' ? '跳到内容' : 'Skip to content'}
        </a>
        <header class="top">
          <h1>
            {t(lang, 'title')} <span class="sub">{t(lang, 'product')}</span>
          </h1>
          <nav aria-label={lang === 'zh' ? '语言' : 'Language'}>
            <a href={`/console?lang=${other}`} lang={other === 'zh' ? 'zh-CN' : 'en'} id="switch-lang">
              {t(lang, 'switchLang')}
            </a>
          </nav>
          <button type="button" id="sign-out" hidden>
            {t(lang, 'signOut')}
          </button>
        </header>
        <div id="net-error" class="alert" role="alert" hidden></div>
        <main>
          <section id="login" aria-labelledby="login-heading">
            <h2 id="login-heading">
              {t(lang, 'loginHeading')} <Alt lang={other} word="loginHeading" />
            </h2>
            <p id="login-help">{t(lang, 'loginHelp')}</p>
            <form id="login-form" novalidate>
              <label for="api-key">
                {t(lang, 'apiKey')} <Alt lang={other} word="apiKey" />
              </label>
              <input id="api-key" name="apiKey" type="password" autocomplete="off" spellcheck={false} aria-describedby="login-help login-error" required />
              <button type="submit">
                {t(lang, 'signIn')} <Alt lang={other} word="signIn" />
              </button>
              <p id="login-status" aria-live="polite"></p>
              <p id="login-error" class="alert" role="alert" hidden></p>
            </form>
          </section>
          <section id="app" hidden>
            <div role="tablist" aria-label={t(lang, 'tabs')} class="tabs">
              {TABS.map((tab, i) => (
                <button
                  type="button"
                  role="tab"
                  id={`tab-${tab.id}`}
                  data-tab={tab.id}
                  aria-selected={i === 0 ? 'true' : 'false'}
                  aria-controls="panel"
                  tabindex={i === 0 ? 0 : -1}
                  hx-get={tab.path}
                  hx-target="#panel"
                >
                  {t(lang, tab.word)} <Alt lang={other} word={tab.word} />
                </button>
              ))}
            </div>
            <div id="panel" role="tabpanel" aria-labelledby="tab-overview" tabindex={-1} aria-live="off"></div>
          </section>
        </main>
        <script type="application/json" id="console-lang">{raw(JSON.stringify(lang))}</script>
      </body>
    </html>
  );
}

// ── Small pieces ───────────────────────────────────────────────────────────────────────────────────────────

/** The other language's word beside the first, smaller: tabs and the login read in both languages. */
const Alt = ({ lang, word }: { lang: Lang; word: Word }) => (
  <span class="alt" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
    {t(lang, word)}
  </span>
);

export interface ApiFailure {
  status: number;
  code?: string | undefined;
  message: string;
  issues?: { path?: string; message?: string }[] | undefined;
}

export function ErrorBox({ lang, failure, context }: { lang: Lang; failure: ApiFailure; context?: string | undefined }) {
  return (
    <div class="alert" role="alert">
      <strong>
        {t(lang, 'error')} {failure.status}
        {failure.code ? ` ${failure.code}` : ''}
        {context ? ` · ${context}` : ''}
      </strong>
      : {failure.message}
      {failure.issues?.length ? (
        <ul>
          {failure.issues.map((i) => (
            <li>
              <code>{i.path ?? ''}</code> {i.message ?? ''}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

const Status = ({ lang, status }: { lang: Lang; status: string }) => (
  <span class={`status s-${status.toLowerCase()}`} title={status}>
    {statusLabel(lang, status)}
  </span>
);

/** A link that opens an order's detail in the panel (and works as a plain link target for the address bar). */
export const OrderLink = ({ orderId }: { orderId: string }) => (
  <a href={`#order=${encodeURIComponent(orderId)}`} hx-get={`/console/ui/orders/${encodeURIComponent(orderId)}`} hx-target="#panel" class="order-link">
    {orderId}
  </a>
);

function Table({ caption, head, rows, empty, id, captionShown = true }: { caption: string; head: string[]; rows: Child[][]; empty: string; id?: string; captionShown?: boolean }) {
  if (rows.length === 0) return <p class="empty" id={id}>{`${caption}: ${empty}`}</p>;
  return (
    <table id={id}>
      <caption class={captionShown ? undefined : 'sr-only'}>{caption}</caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((cells) => (
          <tr>
            {cells.map((cell) => (
              <td>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A JSON detail shown compactly (timeline details, review-task data). */
const Json = ({ value }: { value: unknown }) =>
  value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0) ? <span class="muted">—</span> : <code class="json">{JSON.stringify(value)}</code>;

// ── Overview ───────────────────────────────────────────────────────────────────────────────────────────────

export interface OverviewData {
  counts: { statuses: { status: string; count: number }[]; total: number } | ApiFailure;
  backlog: Record<string, unknown> | ApiFailure;
  stuck: { orderId: string; channel: string; status: string; statusSince: string; warehouseId: string | null }[] | ApiFailure;
  review: { id: string; kind: string; orderId: string | null; reason: string; createdAt: string }[] | ApiFailure;
  olderThan: string;
  now: Date;
}

export const isFailure = (v: unknown): v is ApiFailure => typeof v === 'object' && v !== null && 'status' in v && 'message' in v && typeof (v as ApiFailure).status === 'number';

export function Overview({ lang, data }: { lang: Lang; data: OverviewData }) {
  return (
    <div>
      <h2 id="overview-heading">{t(lang, 'tabOverview')}</h2>
      <form id="stuck-form" class="inline" hx-get="/console/ui/overview/live" hx-target="#overview-live" hx-swap="outerHTML">
        <label for="olderThan">{t(lang, 'olderThan')}</label>
        <input id="olderThan" name="olderThan" value={data.olderThan} list="sla-presets" aria-describedby="olderThan-help" size={8} />
        <datalist id="sla-presets">
          {['5m', '15m', '30m', '1h', '4h', '1d', '3d'].map((v) => (
            <option value={v}></option>
          ))}
        </datalist>
        <span id="olderThan-help" class="muted">
          {t(lang, 'olderThanHelp')}
        </span>
        <button type="submit">{t(lang, 'apply')}</button>
      </form>
      <OverviewLive lang={lang} data={data} />
    </div>
  );
}

/** The part that refreshes itself: it asks for itself again every REFRESH_SECONDS (with the SLA in the form). */
export function OverviewLive({ lang, data }: { lang: Lang; data: OverviewData }) {
  return (
    <div id="overview-live" hx-get="/console/ui/overview/live" hx-trigger={`every ${REFRESH_SECONDS}s`} hx-include="#olderThan" hx-swap="outerHTML" data-updated={data.now.toISOString()}>
      <p class="muted" id="overview-updated">
        {t(lang, 'updatedAt')} {shanghaiTime(data.now)} · {t(lang, 'autoRefresh', { s: REFRESH_SECONDS })}
      </p>
      <div class="grid">
        <section aria-labelledby="counts-heading" class="card wide">
          <h3 id="counts-heading">{t(lang, 'ordersByStatus')}</h3>
          {isFailure(data.counts) ? (
            <ErrorBox lang={lang} failure={data.counts} />
          ) : (
            <dl class="counts" id="status-counts">
              {data.counts.statuses.map((s) => (
                <div class={`count${s.count === 0 ? ' zero' : ''}`} data-status={s.status}>
                  <dt>
                    {statusLabel(lang, s.status)}
                    {lang === 'zh' ? <span class="code"> {s.status}</span> : null}
                  </dt>
                  <dd>{s.count}</dd>
                </div>
              ))}
              <div class="count total" data-status="TOTAL">
                <dt>{t(lang, 'total')}</dt>
                <dd>{data.counts.total}</dd>
              </div>
            </dl>
          )}
        </section>
        <section aria-labelledby="backlog-heading" class="card" id="backlog">
          <h3 id="backlog-heading">{t(lang, 'backlog')}</h3>
          {isFailure(data.backlog) ? <ErrorBox lang={lang} failure={data.backlog} /> : <Backlog lang={lang} backlog={data.backlog} />}
        </section>
        {/* Kept across the refreshes of the block around it (hx-preserve): it asks for itself on its own clock. */}
        <section aria-labelledby="funnel-heading" class="card" id="funnel-today" hx-preserve="true">
          <h3 id="funnel-heading">{t(lang, 'funnelToday')}</h3>
          <div id="funnel-body" hx-get="/console/ui/overview/funnel" hx-trigger={`load, every ${FUNNEL_REFRESH_SECONDS}s`}>
            {t(lang, 'loading')}
          </div>
        </section>
        <section aria-labelledby="stuck-heading" class="card wide" id="stuck">
          <h3 id="stuck-heading">
            {t(lang, 'stuckOrders')} <span class="muted">(&gt; {data.olderThan})</span>
          </h3>
          {isFailure(data.stuck) ? (
            <ErrorBox lang={lang} failure={data.stuck} />
          ) : (
            <Table
              id="stuck-table"
              caption={`${t(lang, 'stuckOrders')}: ${atMost(data.stuck.length, STUCK_LIMIT)}`}
              head={[t(lang, 'orderId'), t(lang, 'channel'), t(lang, 'status'), t(lang, 'statusSince'), t(lang, 'warehouse')]}
              rows={data.stuck.map((o) => [<OrderLink orderId={o.orderId} />, o.channel, <Status lang={lang} status={o.status} />, shanghaiTime(o.statusSince), o.warehouseId ?? ''])}
              empty={t(lang, 'stuckNone')}
            />
          )}
        </section>
        <section aria-labelledby="review-heading" class="card wide" id="open-review">
          <h3 id="review-heading">
            {t(lang, 'openReviewTasks')}: <span id="open-review-count">{isFailure(data.review) ? '?' : atMost(data.review.length, REVIEW_COUNT_LIMIT)}</span>
          </h3>
          {isFailure(data.review) ? (
            <ErrorBox lang={lang} failure={data.review} />
          ) : (
            <Table
              caption={t(lang, 'openReviewTasks')}
              head={[t(lang, 'kind'), t(lang, 'orderId'), t(lang, 'reason'), t(lang, 'createdAt')]}
              rows={data.review.slice(0, 10).map((r) => [r.kind, r.orderId ? <OrderLink orderId={r.orderId} /> : '', r.reason, shanghaiTime(r.createdAt)])}
              empty={t(lang, 'none')}
            />
          )}
        </section>
      </div>
    </div>
  );
}

function Backlog({ lang, backlog }: { lang: Lang; backlog: Record<string, unknown> }) {
  const n = (k: string) => (typeof backlog[k] === 'number' ? (backlog[k] as number) : null);
  const eta = n('etaSeconds');
  const items: [Word, string, string][] = [
    ['buffered', 'buffered', String(n('buffered') ?? '—')],
    ['oldestAge', 'oldestAgeMs', duration(n('oldestAgeMs'))],
    ['acceptedPerSec', 'acceptedPerSec', oneDecimal(n('acceptedPerSec'))],
    ['persistedPerSec', 'persistedPerSec', oneDecimal(n('persistedPerSec'))],
    ['workflowsBehind', 'workflowsBehind', String(n('workflowsBehind') ?? '—')],
    ['eta', 'etaSeconds', eta === null ? '—' : duration(eta * 1000)],
    ['mode', 'mode', String(backlog.mode ?? '')],
  ];
  return (
    <dl class="kv">
      {items.map(([word, key, value]) => (
        <div data-field={key}>
          <dt>{t(lang, word)}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function FunnelToday({ lang, funnel }: { lang: Lang; funnel: { stages: { stage: string; count: number; conversionFromPrevious: number | null }[] } | ApiFailure }) {
  return isFailure(funnel) ? <ErrorBox lang={lang} failure={funnel} /> : <FunnelTable lang={lang} stages={funnel.stages} caption={t(lang, 'funnelToday')} captionShown={false} />;
}

function FunnelTable({ lang, stages, caption, captionShown = true }: { lang: Lang; stages: { stage: string; count: number; conversionFromPrevious: number | null }[]; caption: string; captionShown?: boolean }) {
  return (
    <Table
      id="funnel-table"
      caption={caption}
      captionShown={captionShown}
      head={[t(lang, 'stage'), t(lang, 'count'), t(lang, 'conversion')]}
      rows={stages.map((s) => [t(lang, `stage_${s.stage}` as Word), String(s.count), percent(s.conversionFromPrevious)])}
      empty={t(lang, 'noData')}
    />
  );
}

// ── Orders ─────────────────────────────────────────────────────────────────────────────────────────────────

export interface OrderRow {
  orderId: string;
  channel: string;
  channelOrderId: string;
  status: string;
  customerName: string;
  phone: string;
  region: string;
  totalFen: number;
  orderedAt: string;
  warehouseId: string | null;
}

export function OrderSearch({ lang, q, status, results }: { lang: Lang; q: string; status: string; results: OrderRow[] | ApiFailure }) {
  return (
    <div>
      <h2>{t(lang, 'searchOrders')}</h2>
      <form id="order-search" class="inline" role="search" hx-get="/console/ui/orders/results" hx-target="#order-results" hx-swap="outerHTML">
        <label for="order-q">{t(lang, 'searchQuery')}</label>
        <input id="order-q" name="q" type="search" value={q} size={28} />
        <label for="order-status">{t(lang, 'status')}</label>
        <select id="order-status" name="status">
          <option value="">{t(lang, 'anyStatus')}</option>
          {STATUSES.map((s) => (
            <option value={s} selected={s === status}>
              {lang === 'zh' ? `${statusLabel(lang, s)} ${s}` : s}
            </option>
          ))}
        </select>
        <button type="submit">{t(lang, 'search')}</button>
      </form>
      <OrderResults lang={lang} results={results} />
    </div>
  );
}

export function OrderResults({ lang, results }: { lang: Lang; results: OrderRow[] | ApiFailure }) {
  return (
    <div id="order-results" aria-live="polite">
      {isFailure(results) ? (
        <ErrorBox lang={lang} failure={results} />
      ) : (
        <Table
          id="orders-table"
          caption={`${t(lang, 'tabOrders')}: ${results.length}`}
          head={[t(lang, 'orderId'), t(lang, 'channel'), t(lang, 'platformOrderId'), t(lang, 'status'), t(lang, 'customer'), t(lang, 'phone'), t(lang, 'region'), t(lang, 'amount'), t(lang, 'orderedAt')]}
          rows={results.map((o) => [
            <OrderLink orderId={o.orderId} />,
            o.channel,
            o.channelOrderId,
            <Status lang={lang} status={o.status} />,
            o.customerName,
            <span class="phone">{o.phone}</span>,
            o.region,
            yuan(o.totalFen),
            shanghaiTime(o.orderedAt),
          ])}
          empty={t(lang, 'noOrders')}
        />
      )}
    </div>
  );
}

// ── Order detail ───────────────────────────────────────────────────────────────────────────────────────────

export interface OrderDetailData {
  orderId: string;
  workflowId: string;
  channel: string;
  channelOrderId: string;
  storeId?: string;
  status: string;
  statusSince: string;
  urgent: boolean;
  createdAt: string;
  paidAt: string | null;
  customer: { name: string; phone: string };
  shippingAddress: { province: string; city: string; district: string };
  lines: { sku: string; quantity: number; unitPriceFen: number; title?: string }[];
  totalFen: number;
  allocation: { rule: string; warehouseId: string; transferId?: string; purchaseOrderId?: string; parcels?: { warehouseId: string; lines?: StockLine[] }[] } | null;
  tasks: { taskId: string; kind: string; warehouseId: string; status: string; waveId?: string }[];
  shipments: { direction: string; carrier: string; waybillNo: string; status: string; lastEventAt?: string; costFen?: number | null }[];
  returns: { returnId: string; status: string; reason: string; requestedAt: string; waybillNo?: string; lines: StockLine[] }[];
  timeline: { seq: number; at: string; type: string; status?: string; detail?: Record<string, unknown> }[];
  mergedInto: string | null;
  cancelReason?: string;
  dispatchHours?: number | null;
}

/** The reason the allocation gave (the latest allocation event's `reason`), for "allocation and why". */
export function allocationReason(order: Pick<OrderDetailData, 'timeline'>): string | undefined {
  const events = order.timeline.filter((e) => ['ALLOCATED', 'BACKORDERED', 'ALLOCATION_REVIEW', 'AWAITING_TRANSFER', 'AWAITING_PURCHASE'].includes(e.type) || e.status === 'ALLOCATED');
  for (const e of [...events].reverse()) {
    const reason = e.detail?.reason;
    if (typeof reason === 'string' && reason) return reason;
  }
  return undefined;
}

export function OrderDetail({
  lang,
  order,
  phone,
  temporalLink,
  review,
}: {
  lang: Lang;
  order: OrderDetailData;
  phone: string;
  temporalLink: string | undefined;
  review: { id: string; kind: string; reason: string; createdAt: string; resolvedAt?: string; resolution?: string }[] | ApiFailure;
}) {
  const a = order.allocation;
  const why = allocationReason(order);
  return (
    <article aria-labelledby="order-heading" id="order-detail" data-order-id={order.orderId}>
      <p>
        <a href="#tab=orders" hx-get="/console/ui/orders" hx-target="#panel">
          ← {t(lang, 'backToSearch')}
        </a>
      </p>
      <h2 id="order-heading">
        {t(lang, 'orderDetail')} <code>{order.orderId}</code> <Status lang={lang} status={order.status} />
      </h2>
      <p>
        {temporalLink ? (
          <a href={temporalLink} target="_blank" rel="noopener" id="temporal-link">
            {t(lang, 'openInTemporal')} ({order.workflowId}) ↗
          </a>
        ) : (
          <span id="temporal-link">{order.workflowId}</span>
        )}
      </p>
      <dl class="kv facts">
        {(
          [
            ['channel', order.channel],
            ['platformOrderId', order.channelOrderId],
            ['status', `${statusLabel(lang, order.status)} · ${t(lang, 'statusSince')} ${shanghaiTime(order.statusSince)}`],
            ['customer', order.customer.name],
            ['phone', phone],
            ['region', [order.shippingAddress.province, order.shippingAddress.city, order.shippingAddress.district].join(' ')],
            ['amount', yuan(order.totalFen)],
            ['orderedAt', shanghaiTime(order.createdAt)],
            ['paidAt', shanghaiTime(order.paidAt) || '—'],
            ['urgent', order.urgent ? t(lang, 'yes') : t(lang, 'no')],
            ['dispatchHours', order.dispatchHours === null || order.dispatchHours === undefined ? '—' : String(order.dispatchHours)],
            ...(order.cancelReason ? [['cancelReason', order.cancelReason] as [Word, string]] : []),
            ...(order.mergedInto ? [['mergedInto', order.mergedInto] as [Word, string]] : []),
          ] as [Word, string][]
        ).map(([word, value]) => (
          <div>
            <dt>{t(lang, word)}</dt>
            <dd data-field={word}>{value}</dd>
          </div>
        ))}
      </dl>

      <Table
        id="order-lines"
        caption={t(lang, 'lines')}
        head={[t(lang, 'sku'), t(lang, 'title_'), t(lang, 'quantity'), t(lang, 'unitPrice')]}
        rows={order.lines.map((l) => [l.sku, l.title ?? '', String(l.quantity), yuan(l.unitPriceFen)])}
        empty={t(lang, 'none')}
      />

      <section aria-labelledby="allocation-heading" id="allocation">
        <h3 id="allocation-heading">{t(lang, 'allocation')}</h3>
        {a ? (
          <dl class="kv">
            <div>
              <dt>{t(lang, 'rule')}</dt>
              <dd>{a.rule}</dd>
            </div>
            <div>
              <dt>{t(lang, 'warehouse')}</dt>
              <dd>{a.warehouseId}</dd>
            </div>
            <div>
              <dt>{t(lang, 'why')}</dt>
              <dd id="allocation-why">{why ?? '—'}</dd>
            </div>
            {a.transferId ? (
              <div>
                <dt>{t(lang, 'transfer')}</dt>
                <dd>{a.transferId}</dd>
              </div>
            ) : null}
            {a.purchaseOrderId ? (
              <div>
                <dt>{t(lang, 'purchase')}</dt>
                <dd>{a.purchaseOrderId}</dd>
              </div>
            ) : null}
            {a.parcels?.length ? (
              <div>
                <dt>{t(lang, 'parcels')}</dt>
                <dd>{a.parcels.map((p) => `${p.warehouseId}: ${(p.lines ?? []).map((l) => `${l.sku}×${l.quantity}`).join(', ')}`).join(' · ')}</dd>
              </div>
            ) : null}
          </dl>
        ) : (
          <p class="empty">
            {t(lang, 'allocationNone')}
            {why ? ` · ${t(lang, 'why')}: ${why}` : ''}
          </p>
        )}
      </section>

      <Table
        id="order-tasks"
        caption={t(lang, 'tasks')}
        head={[t(lang, 'taskId'), t(lang, 'kind'), t(lang, 'warehouse'), t(lang, 'status'), t(lang, 'wave')]}
        rows={order.tasks.map((k) => [k.taskId, k.kind, k.warehouseId, k.status, k.waveId ?? ''])}
        empty={t(lang, 'none')}
      />
      <Table
        id="order-shipments"
        caption={t(lang, 'shipments')}
        head={[t(lang, 'direction'), t(lang, 'carrier'), t(lang, 'waybill'), t(lang, 'status'), t(lang, 'freight'), t(lang, 'lastEvent')]}
        rows={order.shipments.map((s) => [s.direction, s.carrier, s.waybillNo, s.status, yuan(s.costFen ?? null), shanghaiTime(s.lastEventAt)])}
        empty={t(lang, 'none')}
      />
      <Table
        id="order-returns"
        caption={t(lang, 'returns')}
        head={[t(lang, 'returnId'), t(lang, 'status'), t(lang, 'reason'), t(lang, 'lines'), t(lang, 'waybill'), t(lang, 'requestedAt')]}
        rows={order.returns.map((r) => [r.returnId, r.status, r.reason, r.lines.map((l) => `${l.sku}×${l.quantity}`).join(', '), r.waybillNo ?? '', shanghaiTime(r.requestedAt)])}
        empty={t(lang, 'none')}
      />
      {isFailure(review) ? (
        <ErrorBox lang={lang} failure={review} />
      ) : (
        <Table
          id="order-review"
          caption={t(lang, 'reviewTasks')}
          head={[t(lang, 'kind'), t(lang, 'reason'), t(lang, 'createdAt'), t(lang, 'resolution')]}
          rows={review.map((r) => [r.kind, r.reason, shanghaiTime(r.createdAt), r.resolvedAt ? `${r.resolution ?? ''} (${shanghaiTime(r.resolvedAt)})` : <a href="#tab=review" hx-get={`/console/ui/review-tasks?orderId=${encodeURIComponent(order.orderId)}`} hx-target="#panel">{t(lang, 'resolve')}</a>])}
          empty={t(lang, 'none')}
        />
      )}
      <Table
        id="order-timeline"
        caption={t(lang, 'timeline')}
        head={['#', t(lang, 'at'), t(lang, 'event'), t(lang, 'status'), t(lang, 'detail')]}
        rows={order.timeline.map((e) => [String(e.seq), shanghaiTime(e.at), e.type, e.status ? <Status lang={lang} status={e.status} /> : '', <Json value={e.detail} />])}
        empty={t(lang, 'none')}
      />
    </article>
  );
}

// ── Review tasks ───────────────────────────────────────────────────────────────────────────────────────────

export interface ReviewTask {
  id: string;
  kind: string;
  orderId: string | null;
  reason: string;
  data?: unknown;
  createdAt: string;
  resolvedAt?: string;
  resolution?: string;
}

export function ReviewTasks({ lang, filter, tasks }: { lang: Lang; filter: { state: string; kind: string; orderId: string }; tasks: ReviewTask[] | ApiFailure }) {
  return (
    <div>
      <h2>{t(lang, 'reviewTasks')}</h2>
      <form class="inline" id="review-filter" hx-get="/console/ui/review-tasks" hx-target="#panel">
        <label for="review-state">{t(lang, 'state')}</label>
        <select id="review-state" name="state">
          {(
            [
              ['open', 'stateOpen'],
              ['resolved', 'stateResolved'],
              ['all', 'stateAll'],
            ] as const
          ).map(([value, word]) => (
            <option value={value} selected={filter.state === value}>
              {t(lang, word)}
            </option>
          ))}
        </select>
        <label for="review-kind">{t(lang, 'kind')}</label>
        <input id="review-kind" name="kind" value={filter.kind} size={18} />
        <label for="review-order">{t(lang, 'orderId')}</label>
        <input id="review-order" name="orderId" value={filter.orderId} size={22} />
        <button type="submit">{t(lang, 'filter')}</button>
      </form>
      {isFailure(tasks) ? (
        <ErrorBox lang={lang} failure={tasks} />
      ) : tasks.length === 0 ? (
        <p class="empty">{t(lang, 'noReviewTasks')}</p>
      ) : (
        <ul class="cards" id="review-list">
          {tasks.map((task) => (
            <ReviewTaskCard lang={lang} task={task} />
          ))}
        </ul>
      )}
    </div>
  );
}

export function ReviewTaskCard({ lang, task, flash }: { lang: Lang; task: ReviewTask; flash?: { ok: boolean; text: Child } }) {
  const dom = `review-${task.id}`;
  return (
    <li class="card" id={dom} data-task-id={task.id} aria-labelledby={`${dom}-title`}>
      <h3 id={`${dom}-title`}>
        {task.kind} {task.orderId ? <OrderLink orderId={task.orderId} /> : null}
      </h3>
      <p>{task.reason}</p>
      <p class="muted">
        {t(lang, 'createdAt')} {shanghaiTime(task.createdAt)}
      </p>
      <details>
        <summary>{t(lang, 'data')}</summary>
        <Json value={task.data} />
      </details>
      {flash ? (
        flash.ok ? (
          <p class="ok" role="status">
            {flash.text}
          </p>
        ) : (
          <div>{flash.text}</div>
        )
      ) : null}
      {task.resolvedAt ? (
        <p class="resolved">
          {t(lang, 'stateResolved')}: <strong>{task.resolution}</strong> ({shanghaiTime(task.resolvedAt)})
        </p>
      ) : (
        <form class="resolve" hx-post={`/console/ui/review-tasks/${encodeURIComponent(task.id)}/resolve`} hx-target={`#${dom}`} hx-swap="outerHTML">
          <label for={`${dom}-resolution`}>{t(lang, 'resolution')}</label>
          <input id={`${dom}-resolution`} name="resolution" value="resolved" required maxlength={64} list="resolution-presets" aria-describedby={`${dom}-resolution-help`} />
          <span id={`${dom}-resolution-help`} class="muted">
            {t(lang, 'resolutionHelp')}
          </span>
          <datalist id="resolution-presets">
            {['resolved', 'received', 'keep-waiting', 'refunded'].map((v) => (
              <option value={v}></option>
            ))}
          </datalist>
          <label for={`${dom}-note`}>{t(lang, 'note')}</label>
          <textarea id={`${dom}-note`} name="note" rows={2} maxlength={1000}></textarea>
          <button type="submit">{t(lang, 'resolve')}</button>
        </form>
      )}
    </li>
  );
}

// ── Dead letters ───────────────────────────────────────────────────────────────────────────────────────────

export interface DeadLetter {
  id: number;
  platform: string;
  storeId: string | null;
  channelOrderId: string | null;
  source: string;
  reason: string;
  message: string;
  issues: { path?: string; message?: string; source?: string }[] | null;
  attempts: number;
  status: string;
  orderId: string | null;
  createdAt: string;
  replayedAt: string | null;
  payload?: unknown;
}

export function DeadLetters({ lang, status, letters }: { lang: Lang; status: string; letters: DeadLetter[] | ApiFailure }) {
  return (
    <div>
      <h2>{t(lang, 'deadLetters')}</h2>
      <form class="inline" hx-get="/console/ui/dead-letters" hx-target="#panel">
        <label for="dl-status">{t(lang, 'state')}</label>
        <select id="dl-status" name="status">
          {(
            [
              ['open', 'stateOpen'],
              ['replayed', 'replayed'],
              ['all', 'stateAll'],
            ] as const
          ).map(([value, word]) => (
            <option value={value} selected={status === value}>
              {t(lang, word)}
            </option>
          ))}
        </select>
        <button type="submit">{t(lang, 'filter')}</button>
      </form>
      {isFailure(letters) ? (
        <ErrorBox lang={lang} failure={letters} />
      ) : letters.length === 0 ? (
        <p class="empty">{t(lang, 'noDeadLetters')}</p>
      ) : (
        <ul class="cards" id="dead-letter-list">
          {letters.map((letter) => (
            <DeadLetterCard lang={lang} letter={letter} />
          ))}
        </ul>
      )}
    </div>
  );
}

export function DeadLetterCard({ lang, letter, flash }: { lang: Lang; letter: DeadLetter; flash?: Child }) {
  const dom = `dead-letter-${letter.id}`;
  return (
    <li class="card" id={dom} data-dead-letter-id={String(letter.id)} aria-labelledby={`${dom}-title`}>
      <h3 id={`${dom}-title`}>
        #{letter.id} {letter.platform} {letter.channelOrderId ?? ''} · <span class="reason">{letter.reason}</span>
      </h3>
      <dl class="kv">
        {(
          [
            ['store', letter.storeId ?? ''],
            ['source', letter.source],
            ['message', letter.message],
            ['attempts', String(letter.attempts)],
            ['createdAt', shanghaiTime(letter.createdAt)],
            ['state', letter.status],
          ] as [Word, string][]
        ).map(([word, value]) => (
          <div>
            <dt>{t(lang, word)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {letter.issues?.length ? (
        <Table caption={t(lang, 'issues')} head={['path', 'source', t(lang, 'message')]} rows={letter.issues.map((i) => [<code>{i.path ?? ''}</code>, i.source ?? '', i.message ?? ''])} empty="" />
      ) : null}
      <details hx-get={`/console/ui/dead-letters/${letter.id}/payload`} hx-trigger="toggle once" hx-target={`#${dom}-payload`}>
        <summary>{t(lang, 'showPayload')}</summary>
        <div id={`${dom}-payload`}>{t(lang, 'loading')}</div>
      </details>
      {flash}
      {letter.status === 'open' ? (
        <form hx-post={`/console/ui/dead-letters/${letter.id}/replay`} hx-target={`#${dom}`} hx-swap="outerHTML">
          <button type="submit" aria-describedby={`${dom}-title`}>
            {t(lang, 'replay')} #{letter.id}
          </button>
        </form>
      ) : letter.orderId ? (
        <p class="ok">
          {t(lang, 'replayedOk')} <OrderLink orderId={letter.orderId} />
        </p>
      ) : null}
    </li>
  );
}

/** The failed payload's fields, flattened to `path = value` (nested objects and arrays by dotted path). */
export function PayloadFields({ lang, payload }: { lang: Lang; payload: unknown }) {
  const rows: [string, string][] = [];
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      if (entries.length === 0) rows.push([path, Array.isArray(value) ? '[]' : '{}']);
      for (const [k, v] of entries) walk(v, path ? `${path}.${k}` : k);
    } else rows.push([path, value === null || value === undefined ? 'null' : String(value)]);
  };
  walk(payload, '');
  return <Table caption={t(lang, 'payload')} head={['field', 'value']} rows={rows.slice(0, 500).map(([k, v]) => [<code>{k}</code>, v])} empty={t(lang, 'none')} />;
}

// ── Warehouses: waves and PDA tasks ────────────────────────────────────────────────────────────────────────

export interface Warehouse {
  id: string;
  name: string;
  city: string;
  dailyOrderCapacity?: number | null;
}
export interface Wave {
  waveId: string;
  status: string;
  carrier: string | null;
  orderIds: string[];
  pickList: unknown[];
  walkMeters: number;
  createdAt?: string;
  packedAt?: string | null;
}
export interface PdaTask {
  taskId: string;
  orderId: string;
  kind: string;
  status: string;
  lines: StockLine[];
  carrier: string | null;
  waveId: string | null;
  packCheck: string | null;
  createdAt: string;
}

export function Warehouses({
  lang,
  warehouses,
  selected,
  waves,
  tasks,
}: {
  lang: Lang;
  warehouses: Warehouse[] | ApiFailure;
  selected: string | undefined;
  waves: Wave[] | ApiFailure | undefined;
  tasks: PdaTask[] | ApiFailure | undefined;
}) {
  if (isFailure(warehouses)) return <ErrorBox lang={lang} failure={warehouses} />;
  return (
    <div>
      <h2>{t(lang, 'warehouses')}</h2>
      {warehouses.length === 0 ? (
        <p class="empty">{t(lang, 'noWarehouses')}</p>
      ) : (
        <form class="inline" hx-get="/console/ui/warehouses" hx-target="#panel" id="warehouse-form">
          <label for="warehouse-select">{t(lang, 'chooseWarehouse')}</label>
          <select id="warehouse-select" name="warehouseId">
            {warehouses.map((w) => (
              <option value={w.id} selected={w.id === selected}>
                {`${w.name} (${w.id}, ${w.city})`}
              </option>
            ))}
          </select>
          <button type="submit">{t(lang, 'show')}</button>
        </form>
      )}
      {selected && waves ? (
        isFailure(waves) ? (
          <ErrorBox lang={lang} failure={waves} />
        ) : (
          <Table
            id="waves-table"
            caption={`${t(lang, 'waves')} · ${selected}`}
            head={[t(lang, 'wave'), t(lang, 'status'), t(lang, 'carrier'), t(lang, 'waveOrders'), t(lang, 'pickLines'), t(lang, 'walkMeters'), t(lang, 'createdAt')]}
            rows={waves.map((w) => [w.waveId, w.packedAt ? `${w.status} (${shanghaiTime(w.packedAt)})` : w.status, w.carrier ?? '', String(w.orderIds.length), String(w.pickList.length), String(Math.round(w.walkMeters)), shanghaiTime(w.createdAt)])}
            empty={t(lang, 'noWaves')}
          />
        )
      ) : null}
      {selected && tasks ? (
        isFailure(tasks) ? (
          <ErrorBox lang={lang} failure={tasks} />
        ) : (
          <Table
            id="pda-tasks-table"
            caption={`${t(lang, 'pdaTasks')} · ${selected}`}
            head={[t(lang, 'taskId'), t(lang, 'orderId'), t(lang, 'status'), t(lang, 'taskLines'), t(lang, 'wave'), t(lang, 'carrier'), t(lang, 'packCheck'), t(lang, 'createdAt')]}
            rows={tasks.map((k) => [k.taskId, <OrderLink orderId={k.orderId} />, k.status, k.lines.map((l) => `${l.sku}×${l.quantity}`).join(', '), k.waveId ?? '', k.carrier ?? '', k.packCheck ?? '', shanghaiTime(k.createdAt)])}
            empty={t(lang, 'noTasks')}
          />
        )
      ) : null}
    </div>
  );
}

// ── Reports ────────────────────────────────────────────────────────────────────────────────────────────────

export function Reports({
  lang,
  period,
  funnel,
  heatmapSvg,
  health,
  prepack,
}: {
  lang: Lang;
  period: { from: string; to: string };
  funnel: { svg: string; stages: { stage: string; count: number; conversionFromPrevious: number | null }[] } | ApiFailure;
  heatmapSvg: string | ApiFailure;
  health: { svg: string; date: string } | ApiFailure;
  prepack: PrepackOutcomes | ApiFailure;
}) {
  return (
    <div>
      <h2>{t(lang, 'reports')}</h2>
      <form class="inline" hx-get="/console/ui/reports" hx-target="#panel" id="report-form">
        <label for="report-from">{t(lang, 'from')}</label>
        <input id="report-from" name="from" type="date" value={period.from} />
        <label for="report-to">{t(lang, 'to')}</label>
        <input id="report-to" name="to" type="date" value={period.to} />
        <button type="submit">{t(lang, 'show')}</button>
      </form>
      <section aria-labelledby="r-funnel" class="chart" id="report-funnel">
        <h3 id="r-funnel">{t(lang, 'funnel')}</h3>
        {isFailure(funnel) ? (
          <ErrorBox lang={lang} failure={funnel} />
        ) : (
          <>
            <figure role="img" aria-label={t(lang, 'funnel')}>
              {raw(funnel.svg)}
            </figure>
            <FunnelTable lang={lang} stages={funnel.stages} caption={t(lang, 'funnel')} />
          </>
        )}
      </section>
      <section aria-labelledby="r-heatmap" class="chart" id="report-heatmap">
        <h3 id="r-heatmap">{t(lang, 'heatmap')}</h3>
        {isFailure(heatmapSvg) ? (
          <ErrorBox lang={lang} failure={heatmapSvg} />
        ) : (
          <figure role="img" aria-label={t(lang, 'heatmap')}>
            {raw(heatmapSvg)}
          </figure>
        )}
      </section>
      <section aria-labelledby="r-health" class="chart" id="report-health">
        <h3 id="r-health">{t(lang, 'warehouseHealth')}</h3>
        {isFailure(health) ? (
          <ErrorBox lang={lang} failure={health} />
        ) : (
          <figure role="img" aria-label={`${t(lang, 'warehouseHealth')} ${health.date}`}>
            {raw(health.svg)}
          </figure>
        )}
      </section>
      <section aria-labelledby="r-prepack" id="report-prepack">
        <h3 id="r-prepack">{t(lang, 'prepack')}</h3>
        {isFailure(prepack) ? <ErrorBox lang={lang} failure={prepack} /> : <PrepackTables lang={lang} outcomes={prepack} />}
      </section>
    </div>
  );
}

/** `GET /v1/prepack/outcomes`: how the period's pre-packs ended, and how fast pre-packed orders left against the others. */
export interface PrepackOutcomes {
  opened: number;
  bought: number;
  expired: number;
  open: number;
  boughtShare: number | null;
  paymentToShippedMinutes: { path: 'prepacked' | 'normal'; orders: number; p50: number | null; p90: number | null }[];
}

function PrepackTables({ lang, outcomes }: { lang: Lang; outcomes: PrepackOutcomes }) {
  return (
    <>
      <Table
        id="prepack-outcomes"
        caption={t(lang, 'prepack')}
        captionShown={false}
        head={[t(lang, 'prepackOpened'), t(lang, 'prepackBought'), t(lang, 'prepackExpired'), t(lang, 'prepackOpen'), t(lang, 'prepackShare')]}
        rows={[[String(outcomes.opened), String(outcomes.bought), String(outcomes.expired), String(outcomes.open), percent(outcomes.boughtShare)]]}
        empty={t(lang, 'noData')}
      />
      <Table
        id="prepack-dispatch"
        caption={t(lang, 'prepackDispatch')}
        head={[t(lang, 'prepackPath'), t(lang, 'orders'), t(lang, 'paidToShippedP50'), t(lang, 'paidToShippedP90')]}
        rows={outcomes.paymentToShippedMinutes.map((r) => [t(lang, `path_${r.path}`), String(r.orders), oneDecimal(r.p50), oneDecimal(r.p90)])}
        empty={t(lang, 'noData')}
      />
    </>
  );
}
