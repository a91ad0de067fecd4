/**
 * The console's words in Chinese (the default: the people on the warehouse floor and in the shops) and English.
 * One table, so a label can never exist in one language only (tests/console/i18n.test.ts checks both sides).
 */
import { ORDER_STATUSES, type OrderStatus } from '../domain/order';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const langOf = (value: string | undefined | null): Lang => (value === 'en' ? 'en' : 'zh');

/**
 * The page's language: `?lang=zh|en` when given, else the browser's first preference (Accept-Language), Chinese
 * unless that is another language.
 */
export function pageLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'zh') return query;
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase();
  return !first || first.startsWith('zh') || first === '*' ? 'zh' : 'en';
}

const WORDS = {
  title: ['运营控制台', 'Ops console'],
  product: ['OMS 订单管理', 'OMS order management'],
  switchLang: ['English', '中文'],
  loginHeading: ['登录', 'Sign in'],
  loginHelp: ['输入 API 密钥（需要 ops 权限）。密钥只保存在本浏览器标签页的会话中，关闭即清除。', 'Enter an API key (with the ops scope). The key stays in this browser tab\'s session only and is gone when you close it.'],
  apiKey: ['API 密钥', 'API key'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  signingIn: ['正在验证…', 'Checking…'],
  keyRejected: ['API 密钥无效或已吊销，请检查后重试。', 'This API key is unknown or revoked. Check it and try again.'],
  keyNoScope: ['此 API 密钥没有 ops 权限。', 'This API key lacks the ops scope.'],
  keyEmpty: ['请输入 API 密钥。', 'Enter an API key.'],
  unreachable: ['无法连接服务器。', 'The server cannot be reached.'],
  sessionEnded: ['会话已失效，请重新登录。', 'The session ended; sign in again.'],
  tabs: ['控制台页面', 'Console screens'],
  tabOverview: ['概览', 'Overview'],
  tabOrders: ['订单', 'Orders'],
  tabReview: ['人工审核', 'Review tasks'],
  tabDeadLetters: ['死信', 'Dead letters'],
  tabWarehouses: ['波次与 PDA 任务', 'Waves & PDA tasks'],
  tabReports: ['报表', 'Reports'],
  loading: ['加载中…', 'Loading…'],
  updatedAt: ['更新于', 'Updated'],
  autoRefresh: ['每 {s} 秒自动刷新', 'refreshes every {s} s'],
  error: ['出错了', 'Error'],
  none: ['无', 'None'],
  // overview
  ordersByStatus: ['各状态订单数', 'Orders by status'],
  total: ['合计', 'Total'],
  backlog: ['接单积压', 'Ingest backlog'],
  buffered: ['缓冲中', 'Buffered'],
  oldestAge: ['最早积压', 'Oldest waiting'],
  acceptedPerSec: ['接收速率 (单/秒)', 'Accepted per second'],
  persistedPerSec: ['入库速率 (单/秒)', 'Persisted per second'],
  workflowsBehind: ['待启动工作流', 'Workflows behind'],
  eta: ['预计追平', 'ETA to catch up'],
  mode: ['缓冲方式', 'Buffer'],
  stuckOrders: ['滞留订单', 'Stuck orders'],
  olderThan: ['状态未变超过 (SLA)', 'No status change for (SLA)'],
  olderThanHelp: ['如 30s、15m、1h、2d', 'e.g. 30s, 15m, 1h, 2d'],
  apply: ['应用', 'Apply'],
  stuckNone: ['没有超过该时长的未完结订单。', 'No open order has been stuck that long.'],
  statusSince: ['状态开始于', 'Status since'],
  openReviewTasks: ['待处理审核任务', 'Open review tasks'],
  funnelToday: ['今日漏斗', 'Today\'s funnel'],
  stage: ['环节', 'Stage'],
  count: ['数量', 'Count'],
  conversion: ['转化率', 'Conversion'],
  stage_ordered: ['下单', 'Ordered'],
  stage_paid: ['已付款', 'Paid'],
  stage_shipped: ['已发货', 'Shipped'],
  stage_delivered: ['已签收', 'Delivered'],
  stage_returned: ['已退货', 'Returned'],
  // orders
  searchOrders: ['查找订单', 'Find orders'],
  searchQuery: ['平台订单号 / 订单号 / 手机号', 'Platform order id, order id or phone'],
  anyStatus: ['全部状态', 'Any status'],
  status: ['状态', 'Status'],
  search: ['查找', 'Search'],
  noOrders: ['没有符合条件的订单。', 'No order matches.'],
  orderId: ['订单号', 'Order id'],
  channel: ['渠道', 'Channel'],
  platformOrderId: ['平台订单号', 'Platform order id'],
  customer: ['收件人', 'Customer'],
  phone: ['手机号', 'Phone'],
  region: ['地区', 'Region'],
  amount: ['金额', 'Amount'],
  orderedAt: ['下单时间', 'Ordered at'],
  paidAt: ['付款时间', 'Paid at'],
  warehouse: ['仓库', 'Warehouse'],
  urgent: ['加急', 'Urgent'],
  yes: ['是', 'yes'],
  no: ['否', 'no'],
  // order detail
  orderDetail: ['订单详情', 'Order detail'],
  backToSearch: ['返回订单查找', 'Back to order search'],
  openInTemporal: ['在 Temporal Web UI 中查看工作流', 'Open the workflow in the Temporal Web UI'],
  lines: ['商品行', 'Lines'],
  sku: ['SKU', 'SKU'],
  title_: ['名称', 'Title'],
  quantity: ['数量', 'Quantity'],
  unitPrice: ['单价', 'Unit price'],
  allocation: ['分配', 'Allocation'],
  allocationNone: ['尚未分配', 'Not allocated yet'],
  rule: ['规则', 'Rule'],
  why: ['原因', 'Why'],
  transfer: ['调拨单', 'Transfer'],
  purchase: ['采购单', 'Purchase'],
  parcels: ['包裹', 'Parcels'],
  tasks: ['仓库任务', 'Warehouse tasks'],
  taskId: ['任务号', 'Task'],
  kind: ['类型', 'Kind'],
  wave: ['波次', 'Wave'],
  shipments: ['运单', 'Shipments'],
  direction: ['方向', 'Direction'],
  carrier: ['承运商', 'Carrier'],
  waybill: ['运单号', 'Waybill'],
  freight: ['运费', 'Freight'],
  lastEvent: ['最近更新', 'Last update'],
  returns: ['退货', 'Returns'],
  returnId: ['退货单', 'Return'],
  reason: ['原因', 'Reason'],
  requestedAt: ['申请时间', 'Requested at'],
  timeline: ['时间线', 'Timeline'],
  at: ['时间', 'Time'],
  event: ['事件', 'Event'],
  detail: ['详情', 'Detail'],
  dispatchHours: ['付款到发货 (小时)', 'Paid → shipped (hours)'],
  cancelReason: ['取消原因', 'Cancel reason'],
  mergedInto: ['已合并至', 'Merged into'],
  // review tasks
  reviewTasks: ['人工审核任务', 'Review tasks'],
  state: ['状态', 'State'],
  stateOpen: ['待处理', 'Open'],
  stateResolved: ['已处理', 'Resolved'],
  stateAll: ['全部', 'All'],
  filter: ['筛选', 'Filter'],
  createdAt: ['创建时间', 'Created at'],
  resolution: ['处理结果', 'Resolution'],
  resolutionHelp: ['默认 resolved；退货已到仓填 received，继续等待填 keep-waiting', 'resolved by default; received when a stalled return is in the warehouse, keep-waiting to wait on'],
  note: ['备注', 'Note'],
  resolve: ['处理完成', 'Resolve'],
  resolvedAt: ['处理时间', 'Resolved at'],
  resolvedOk: ['已处理，订单工作流已收到通知。', 'Resolved; the order workflow has been told.'],
  noReviewTasks: ['没有审核任务。', 'No review task.'],
  data: ['数据', 'Data'],
  // dead letters
  deadLetters: ['死信（未能成为订单的推送）', 'Dead letters (pushes that could not become orders)'],
  platform: ['平台', 'Platform'],
  store: ['店铺', 'Store'],
  source: ['来源', 'Source'],
  message: ['说明', 'Message'],
  issues: ['字段问题', 'Field issues'],
  attempts: ['尝试次数', 'Attempts'],
  payload: ['报文字段', 'Payload fields'],
  showPayload: ['查看报文', 'Show payload'],
  replay: ['重放', 'Replay'],
  replayedOk: ['已重放，订单：', 'Replayed; order:'],
  noDeadLetters: ['没有死信。', 'No dead letter.'],
  replayed: ['已重放', 'Replayed'],
  // warehouses
  warehouses: ['仓库：波次与 PDA 任务', 'Warehouses: waves and PDA tasks'],
  chooseWarehouse: ['选择仓库', 'Warehouse'],
  show: ['显示', 'Show'],
  noWarehouses: ['还没有仓库。', 'No warehouse yet.'],
  waves: ['波次', 'Waves'],
  noWaves: ['没有波次。', 'No wave.'],
  waveOrders: ['订单数', 'Orders'],
  pickLines: ['拣货行', 'Pick lines'],
  walkMeters: ['行走米数', 'Walk (m)'],
  pdaTasks: ['PDA 拣货任务', 'PDA pick tasks'],
  noTasks: ['没有任务。', 'No task.'],
  taskLines: ['拣货内容', 'Lines'],
  packCheck: ['包装核验', 'Pack check'],
  capacity: ['日产能', 'Daily capacity'],
  city: ['城市', 'City'],
  // reports
  reports: ['报表', 'Reports'],
  from: ['开始日期', 'From'],
  to: ['结束日期', 'To'],
  funnel: ['履约漏斗', 'Fulfilment funnel'],
  heatmap: ['订单热力图', 'Order heat map'],
  warehouseHealth: ['仓库健康度', 'Warehouse health'],
  prepack: ['预打包', 'Pre-pack'],
  prepackOpened: ['已预打包', 'Pre-packed'],
  prepackBought: ['被购买', 'Bought'],
  prepackExpired: ['过期拆包', 'Expired (unpacked)'],
  prepackOpen: ['待购买', 'Still open'],
  prepackShare: ['购买率', 'Share bought'],
  prepackPath: ['路径', 'Path'],
  prepackDispatch: ['付款→发货用时：预打包与普通订单', 'Payment → shipped: pre-packed and other orders'],
  path_prepacked: ['预打包订单', 'Pre-packed orders'],
  path_normal: ['普通订单', 'Other orders'],
  orders: ['订单数', 'Orders'],
  paidToShippedP50: ['付款→发货 中位数（分钟）', 'Payment → shipped p50 (min)'],
  paidToShippedP90: ['付款→发货 P90（分钟）', 'Payment → shipped p90 (min)'],
  date: ['日期', 'Date'],
  noData: ['所选时段没有数据。', 'No data in this period.'],
} as const satisfies Record<string, readonly [string, string]>;

export type Word = keyof typeof WORDS;

export function t(lang: Lang, word: Word, vars: Record<string, string | number> = {}): string {
  const text = WORDS[word][lang === 'zh' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

/** Every word, for the test that both languages are filled in. */
export const allWords = (): readonly [Word, readonly [string, string]][] => Object.entries(WORDS) as [Word, readonly [string, string]][];

const STATUS_ZH: Record<OrderStatus, string> = {
  PENDING_PAYMENT: '待付款',
  RESERVED: '已锁库存',
  AWAITING_TRANSFER: '待调拨',
  AWAITING_PURCHASE: '待采购',
  BACKORDERED: '缺货等待',
  ALLOCATED: '已分配',
  PICKING: '拣货中',
  SHIPPED: '已发货',
  DELIVERED: '已签收',
  RETURN_REQUESTED: '退货申请',
  RETURN_IN_TRANSIT: '退货在途',
  RETURN_REVIEW: '退货审核',
  RETURNED: '已退货',
  COMPLETED: '已完成',
  CANCELLED: '已取消',
  MERGED: '已合并',
};

/** "待付款 PENDING_PAYMENT" in Chinese (the code stays visible: it is what the API and the Temporal UI show). */
export function statusLabel(lang: Lang, status: string): string {
  const zh = STATUS_ZH[status as OrderStatus];
  return lang === 'zh' && zh ? zh : status;
}

export const STATUSES: readonly OrderStatus[] = ORDER_STATUSES;
