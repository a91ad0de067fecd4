import { z } from 'zod';
import { allocationRuleSetSchema } from '../domain/allocation';
import { addressSchema, canonicalOrderSchema } from '../domain/order';
import { skuBodySchema } from '../domain/sku';
import { inventoryBody, warehouseBody } from './routes/master-data';
import { shipmentMergeBody } from './routes/shipment-merge';
import { returnReceivedBody, returnRequestBody } from './routes/returns';
import { mappingBody } from './routes/channels';
import { storeBody, storeSkusBody } from './routes/stores';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch';
  path: string;
  summary: string;
  scope?: string;
  body?: z.ZodType;
  responses: Record<string, string>;
}

/** One line per route; request bodies come from the same zod schemas the routes validate with. */
const operations: Operation[] = [
  { method: 'post', path: '/v1/orders', summary: 'Create an order from the canonical shape (Idempotency-Key honoured)', scope: 'orders:write', body: canonicalOrderSchema, responses: { 202: 'accepted: {orderId, workflowId, status}', 200: 'this channel order already exists', 400: 'invalid order, with field paths' } },
  { method: 'get', path: '/v1/orders', summary: 'List orders (status, channel, warehouseId, from, to, limit, cursor)', scope: 'orders:read', responses: { 200: '{items, nextCursor}' } },
  { method: 'get', path: '/v1/orders/{orderId}', summary: 'Order state: status, lines, allocation, open tasks, shipments, returns, timeline', scope: 'orders:read', responses: { 200: 'order', 404: 'unknown order' } },
  { method: 'post', path: '/v1/orders/{orderId}/payment', summary: 'Payment confirmed', scope: 'orders:write', body: z.object({ paidAt: z.string().optional(), reference: z.string().optional() }), responses: { 200: 'order', 409: 'order can no longer be paid' } },
  { method: 'post', path: '/v1/orders/{orderId}/cancel', summary: 'Cancel before shipment; releases reserved stock', scope: 'orders:write', body: z.object({ reason: z.string() }), responses: { 200: 'order', 409: 'already shipped' } },
  { method: 'patch', path: '/v1/orders/{orderId}/address', summary: 'Change the shipping address (synchronous accept/reject)', scope: 'orders:write', body: addressSchema, responses: { 200: 'order', 409: 'already shipped' } },
  { method: 'post', path: '/v1/orders/{orderId}/returns', summary: 'Request a return (DELIVERED and inside the after-sale window, or SHIPPED and refusedByBuyer); Idempotency-Key honoured', scope: 'orders:write', body: returnRequestBody, responses: { 202: '{returnId, orderId, status}', 400: 'invalid request, with field paths', 404: 'unknown order', 409: 'refused, with the reason (status, window, quantity beyond shipped, a return still open)' } },
  { method: 'get', path: '/v1/returns', summary: 'Returns (?orderId=&status=requested|in_transit|review|received&limit=)', scope: 'orders:read', responses: { 200: '[return]' } },
  { method: 'get', path: '/v1/returns/{returnId}', summary: 'A return with its waybill, receipt, refund and purchasing notifications', scope: 'orders:read', responses: { 200: 'return', 404: 'unknown return' } },
  { method: 'post', path: '/v1/returns/{returnId}/received', summary: 'Warehouse scan: the return arrived (optional per-line condition resaleable/damaged); restocks exactly once', scope: 'warehouse', body: returnReceivedBody, responses: { 200: '{orderId, alreadyReceived, return}', 202: 'accepted, still being processed', 404: 'unknown return', 409: 'scan does not fit the return' } },
  { method: 'get', path: '/v1/quarantine', summary: 'Returned units in quarantine (damaged), by warehouse and SKU (?warehouseId=&sku=)', scope: 'orders:read', responses: { 200: '[{warehouseId, sku, quantity}]' } },
  { method: 'get', path: '/v1/warehouse/tasks/{taskId}', summary: 'A warehouse task with its pick list in walking order', scope: 'warehouse', responses: { 200: 'task', 404: 'unknown task' } },
  { method: 'post', path: '/v1/warehouse/tasks/{taskId}/complete', summary: 'Picker/packer confirms the task (PDA)', scope: 'warehouse', responses: { 202: 'accepted', 404: 'unknown task', 409: 'task not open' } },
  { method: 'post', path: '/v1/warehouses', summary: 'Create or update a warehouse', scope: 'admin', body: warehouseBody, responses: { 201: 'warehouse' } },
  { method: 'get', path: '/v1/warehouses', summary: 'List warehouses', scope: 'orders:read', responses: { 200: 'warehouses' } },
  { method: 'put', path: '/v1/inventory/{warehouseId}/{sku}', summary: 'Set counted stock; wakes backordered orders', scope: 'admin', body: inventoryBody, responses: { 200: '{warehouseId, sku, onHand, reserved, available}', 404: 'unknown warehouse', 409: 'below reserved' } },
  { method: 'get', path: '/v1/inventory', summary: 'Stock by SKU and warehouse (?sku=&warehouseId=)', scope: 'orders:read', responses: { 200: '[{warehouseId, sku, onHand, reserved, available}]' } },
  { method: 'post', path: '/v1/api-keys', summary: 'Issue an API key with scopes (shown once)', scope: 'admin', body: z.object({ name: z.string(), scopes: z.array(z.string()) }), responses: { 201: '{id, key, scopes}' } },
  { method: 'get', path: '/v1/ops/stuck-orders', summary: 'Open orders whose status has not changed for ?olderThan= (default 1h)', scope: 'ops', responses: { 200: '[{orderId, status, statusSince, …}]' } },
  { method: 'get', path: '/v1/ops/review-tasks', summary: 'Tasks for a person (?state=open|resolved|all, kind, orderId)', scope: 'ops', responses: { 200: '[{id, kind, orderId, reason, createdAt, resolvedAt?}]' } },
  { method: 'post', path: '/v1/ops/review-tasks/{id}/resolve', summary: 'Resolve a review task; the order workflow is told', scope: 'ops', body: z.object({ resolution: z.string(), note: z.string().optional() }), responses: { 200: 'task', 404: 'unknown task', 409: 'already resolved' } },
  { method: 'get', path: '/v1/stores/{storeId}/shipment-merge', summary: 'Same-buyer shipment merge (合单) setting of a store (orders without storeId: their channel name, e.g. manual)', scope: 'ops', responses: { 200: '{storeId, enabled, updatedAt}' } },
  { method: 'put', path: '/v1/stores/{storeId}/shipment-merge', summary: 'Turn same-buyer shipment merge on or off for a store (off by default)', scope: 'admin', body: shipmentMergeBody, responses: { 200: '{storeId, enabled, updatedAt}', 400: 'invalid body' } },
  { method: 'post', path: '/v1/stores', summary: 'Connect a shop (or update it: same platform + shopId); secrets encrypted at rest, never returned; creates/updates its poll schedule poll-<storeId>', scope: 'admin', body: storeBody, responses: { 201: '{storeId}', 200: '{storeId} (updated)', 400: 'invalid body, with field paths' } },
  { method: 'get', path: '/v1/stores', summary: 'Connected shops (no secrets): authorized, token expiry, authError, pollCursor, lastPolledAt, lastPollError', scope: 'ops', responses: { 200: '[store]' } },
  { method: 'get', path: '/v1/stores/{storeId}', summary: 'One shop (no secrets)', scope: 'ops', responses: { 200: '{storeId, platform, shopId, name, appKey, baseUrl, authorized, accessTokenExpiresAt, refreshTokenExpiresAt, authError, pollCursor, lastPolledAt, lastPollError, createdAt}', 404: 'unknown store' } },
  { method: 'get', path: '/v1/stores/{storeId}/oauth/authorize', summary: 'OAuth2 authorization-code link: send the seller to authorizeUrl; the platform sends them back to /v1/oauth/{platform}/callback (state sealed, valid 15 minutes)', scope: 'admin', responses: { 200: '{storeId, authorizeUrl, state, expiresAt}', 404: 'unknown store', 409: 'WeChat: no seller authorization, the token comes from appid + secret' } },
  { method: 'get', path: '/v1/oauth/{platform}/callback', summary: 'Where the platform returns the seller (?code=&state=; no API key: the sealed state authenticates it); trades the code for tokens and pushes the store\'s stock counts', responses: { 200: '{storeId, authorized: true, accessTokenExpiresAt}', 400: 'AUTHORIZATION_FAILED: declined, forged/expired state, wrong platform, code refused', 404: 'unknown platform', 502: 'the platform could not be reached; try again' } },
  { method: 'post', path: '/v1/stores/{storeId}/poll', summary: 'Poll the store now (triggers its Temporal Schedule poll-<storeId>, beside the regular POLL_INTERVAL runs)', scope: 'ops', responses: { 202: '{storeId, scheduleId, triggered}', 404: 'unknown store', 503: 'polling not configured in this process' } },
  { method: 'get', path: '/v1/stores/{storeId}/skus', summary: 'SKUs the store sells: listed (told by PUT) and sold (from its orders); stock sync pushes to both', scope: 'ops', responses: { 200: '{storeId, listed, sold}', 404: 'unknown store' } },
  { method: 'put', path: '/v1/stores/{storeId}/skus', summary: 'Replace the SKUs the store is told it sells (for SKUs it has no orders of yet); their counts are pushed at once', scope: 'admin', body: storeSkusBody, responses: { 200: '{storeId, listed}', 400: 'invalid body', 404: 'unknown store' } },
  { method: 'post', path: '/v1/stores/{storeId}/stock-sync', summary: 'Push the available count of every SKU the store sells, now (e.g. after connecting it)', scope: 'ops', responses: { 202: '{storeId, skus}', 404: 'unknown store', 503: 'stock sync not configured in this process' } },
  { method: 'get', path: '/v1/stock-sync/rounds', summary: 'Channel stock-sync rounds, newest first (?sku=&limit=): count pushed, changes coalesced, per-store outcome (pushed, not_listed, not_authorized, refused, failed)', scope: 'ops', responses: { 200: '[{id, sku, available, changes, firstChangeAt, readAt, completedAt, stores, pushed, skipped, failed, outcomes}]' } },
  { method: 'get', path: '/v1/stock-sync/latency', summary: 'Order accepted → every channel updated (?since=ISO, default 24h): p50/p90/p99/max over orders whose reservation was pushed, and rounds/pushes/changes', scope: 'ops', responses: { 200: '{since, orderAcceptedToChannelsUpdated: {count, p50Ms, p90Ms, p99Ms, maxMs}, rounds: {count, changes, pushes, failedRounds}}' } },
  { method: 'get', path: '/v1/allocation/rules', summary: 'The allocation rule set in force (stored, or the built-in default); first enabled match wins', scope: 'orders:read', responses: { 200: '{rules, version, updatedAt, source: stored|default}' } },
  { method: 'put', path: '/v1/allocation/rules', summary: 'Replace the allocation rule set (validated: known kinds, strict params, unique ids); applies to the next allocation', scope: 'admin', body: allocationRuleSetSchema, responses: { 200: '{rules, version, updatedAt, source}', 400: 'invalid rule set, with field paths' } },
  { method: 'get', path: '/v1/transfers', summary: 'Internal transfers (?status=in_transit|received&orderId=&limit=)', scope: 'ops', responses: { 200: '[{id, orderId, fromWarehouseId, toWarehouseId, lines, status, forOrder, distanceKm, eta, createdAt, receivedAt}]' } },
  { method: 'get', path: '/v1/transfers/{id}', summary: 'One transfer', scope: 'ops', responses: { 200: 'transfer', 404: 'unknown transfer' } },
  { method: 'post', path: '/v1/transfers/{id}/received', summary: 'Goods-in at the destination: stock moves from source to destination (still reserved for the order) and the order continues', scope: 'warehouse', responses: { 200: 'transfer', 404: 'unknown transfer', 409: 'already received' } },
  { method: 'get', path: '/v1/purchases', summary: '1688 purchase orders (?status=pending|placing|ordered|failed|unknown|received|cancelled&orderId=&limit=)', scope: 'ops', responses: { 200: '[{id, orderId, warehouseId, lines, status, supplierOrderId, totalFen, …}]' } },
  { method: 'get', path: '/v1/purchases/{id}', summary: 'One purchase order', scope: 'ops', responses: { 200: 'purchase order', 404: 'unknown purchase order' } },
  { method: 'post', path: '/v1/purchases/{id}/received', summary: 'Goods-in of a purchase: booked into its warehouse (reserved for the order) and the order continues', scope: 'warehouse', responses: { 200: 'purchase order', 404: 'unknown purchase order', 409: 'already received or cancelled' } },
  { method: 'get', path: '/v1/skus/{sku}', summary: 'SKU master data: title, safety stock, 1688 supplier', scope: 'orders:read', responses: { 200: '{sku, title, safetyStock, supplier, updatedAt}', 404: 'unknown SKU' } },
  { method: 'put', path: '/v1/skus/{sku}', summary: 'Create or update SKU master data (omitted fields unchanged; supplier null forgets it); a new supplier wakes urgent backorders', scope: 'admin', body: skuBodySchema, responses: { 200: '{sku, title, safetyStock, supplier, updatedAt}', 400: 'invalid body' } },
  { method: 'get', path: '/v1/replenishment', summary: 'Replenishment alerts (?state=open|resolved|all&warehouseId=&sku=&limit=): available below safety stock, with suggested quantity', scope: 'ops', responses: { 200: '[{id, warehouseId, sku, status, available, safetyStock, velocityPerDay, suggestedQuantity, createdAt, resolvedAt}]' } },
  { method: 'post', path: '/v1/webhooks/{platform}', summary: 'Order push from taobao, tmall, pdd (through the TMC/PDD relay), douyin or wechat, verified with the named store\'s secret (no API key); buffered in Redis (or handed to Temporal directly without REDIS_URL); a redelivered message id is acknowledged and skipped', responses: { 200: "the platform's success answer (relay {\"success\":true}, Douyin {\"code\":0,\"msg\":\"success\"}, WeChat text success)", 400: 'not the platform push format', 401: 'forged, stale, or for a shop that is not connected: nothing stored', 503: 'direct mode: the platform API could not be reached; retry' } },
  { method: 'get', path: '/v1/webhooks/wechat', summary: 'WeChat push URL check: echoes echostr once signature/timestamp/nonce verify with a WeChat store\'s push token', responses: { 200: 'echostr, text/plain', 401: 'signature matches no WeChat store' } },
  { method: 'get', path: '/v1/channels/{platform}/mapping', summary: 'Field mapping rules in force for a platform (stored, or the built-in default)', scope: 'ops', responses: { 200: '{platform, rules, version, updatedAt, source: stored|default}', 404: 'unknown platform' } },
  { method: 'put', path: '/v1/channels/{platform}/mapping', summary: 'Replace a platform\'s mapping rules; refused unless they map the platform\'s sample order to a valid canonical order of that platform', scope: 'admin', body: mappingBody, responses: { 200: '{platform, rules, version, updatedAt, source}', 400: 'malformed rules (json.rules.N.field) or MAPPING_REJECTED with the failing canonical field and its source path', 404: 'unknown platform' } },
  { method: 'get', path: '/v1/channels/{platform}/sample', summary: 'The platform sample order mapping PUTs are checked against, and what the rules in force make of it', scope: 'ops', responses: { 200: '{platform, payload, mappingVersion, mapped}' } },
  { method: 'get', path: '/v1/ingest/dead-letters', summary: 'Entries that could not become orders (?status=open|replayed|all&platform=&storeId=&limit=), with reason (mapping, status, unknown-store, poison, unreadable), message and mapping issues', scope: 'ops', responses: { 200: '[{id, platform, storeId, channelOrderId, source, reason, message, issues, attempts, failures, status, orderId, createdAt, updatedAt, replayedAt}]' } },
  { method: 'get', path: '/v1/ingest/dead-letters/{id}', summary: 'One dead letter with its entry and the platform payload that failed', scope: 'ops', responses: { 200: 'dead letter with entry and payload', 404: 'unknown dead letter' } },
  { method: 'post', path: '/v1/ingest/dead-letters/{id}/replay', summary: 'Process the dead letter again with the mapping in force (the stored payload, or a fresh fetch)', scope: 'ops', responses: { 200: '{deadLetter, outcome: {outcome: delivered|ignored, orderId, …}}', 404: 'unknown dead letter', 409: 'already replayed, or unreadable', 422: 'STILL_FAILING, with the mapping issues', 502: 'the platform API could not be reached' } },
  { method: 'get', path: '/v1/ingest/backlog', summary: 'What is behind during a burst: buffered pushes, rates, workflows behind and an ETA', scope: 'ops', responses: { 200: '{buffered, oldestAgeMs, acceptedPerSec, persistedPerSec, workflowsBehind, catchUpPerSec, etaSeconds, mode, length, pending}' } },
  { method: 'get', path: '/healthz', summary: 'Liveness', responses: { 200: 'ok' } },
  { method: 'get', path: '/readyz', summary: 'Readiness of PostgreSQL, Temporal and Redis', responses: { 200: 'ready', 503: 'not ready' } },
];

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      ...(op.scope ? { security: [{ bearer: [op.scope] }] } : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(op.body, { io: 'input', unrepresentable: 'any' }) } } } }
        : {}),
      responses: Object.fromEntries(Object.entries(op.responses).map(([code, description]) => [code, { description }])),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'OMS API', version: '1', description: 'Errors: { error: { code, message, issues? } }' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
