ALTER TABLE "order_facts" ADD COLUMN "pairs" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
-- Each order's basket pairs, made once when the order is written instead of at every co-purchase report. SKUs
-- cannot hold control characters (the order schema refuses them), so U+001F separates the two.
CREATE OR REPLACE FUNCTION refresh_order_facts(ids text[], lock boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(ids) = 0 THEN RETURN; END IF;
  IF lock THEN
    PERFORM pg_advisory_xact_lock(1868, hashtext(id)) FROM (SELECT DISTINCT unnest(ids) AS id ORDER BY 1) l;
  END IF;
  INSERT INTO order_facts AS f (order_id, ordered_at, day, weekday, hour, channel, warehouse_id, province, city, merged,
    total_fen, paid_at, shipped_at, delivered_at, returned_at, line_count, units, skus, pairs, categories, carrier_fen, forward_shipped,
    transfer_units, purchase_freight_fen)
  SELECT o.order_id, o.ordered_at, (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date,
    extract(isodow FROM o.ordered_at AT TIME ZONE 'Asia/Shanghai')::smallint, extract(hour FROM o.ordered_at AT TIME ZONE 'Asia/Shanghai')::smallint,
    o.channel, o.warehouse_id, o.shipping_address->>'province', o.shipping_address->>'city',
    o.merged_into IS NOT NULL OR o.status = 'MERGED', o.total_fen, o.paid_at,
    ev.shipped_at, ev.delivered_at, rt.returned_at,
    coalesce(ln.line_count, 0), coalesce(ln.units, 0), coalesce(ln.skus, '{}'), coalesce(pr.pairs, '{}'), coalesce(ct.categories, '{}'),
    coalesce(sh.fen, 0), coalesce(sh.forward, false), coalesce(tr.units, 0), coalesce(pu.fen, 0)
  FROM orders o
  LEFT JOIN LATERAL (
    SELECT min(e.at) FILTER (WHERE e.type = 'SHIPPED') AS shipped_at, min(e.at) FILTER (WHERE e.type = 'DELIVERED') AS delivered_at
    FROM order_events e WHERE e.order_id = o.order_id AND e.type IN ('SHIPPED', 'DELIVERED')) ev ON true
  LEFT JOIN LATERAL (SELECT min(r.requested_at) AS returned_at FROM returns r WHERE r.order_id = o.order_id) rt ON true
  LEFT JOIN LATERAL (
    SELECT count(*)::int AS line_count, sum(l.quantity)::int AS units, array_agg(DISTINCT l.sku ORDER BY l.sku) AS skus
    FROM order_lines l WHERE l.order_id = o.order_id) ln ON true
  LEFT JOIN LATERAL (
    SELECT array_agg(x.sku || chr(31) || y.sku ORDER BY x.sku, y.sku) AS pairs
    FROM unnest(ln.skus) x(sku) JOIN unnest(ln.skus) y(sku) ON x.sku < y.sku) pr ON true
  LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT k.category ORDER BY k.category) AS categories
    FROM skus k WHERE k.sku = ANY (ln.skus) AND k.category IS NOT NULL) ct ON true
  LEFT JOIN LATERAL (
    SELECT sum(coalesce(s.cost_fen, 0))::int AS fen, bool_or(s.direction = 'forward') AS forward
    FROM shipments s WHERE s.order_id = o.order_id) sh ON true
  LEFT JOIN LATERAL (
    SELECT sum((x.value->>'quantity')::int)::int AS units
    FROM transfer_orders t CROSS JOIN LATERAL jsonb_array_elements(t.lines) x WHERE t.order_id = o.order_id AND t.for_order) tr ON true
  LEFT JOIN LATERAL (
    SELECT sum(coalesce(p.post_fee_fen, 0))::int AS fen
    FROM purchase_orders p WHERE p.order_id = o.order_id AND p.status IN ('ordered', 'received')) pu ON true
  WHERE o.order_id = ANY (ids)
  ON CONFLICT (order_id) DO UPDATE SET ordered_at = excluded.ordered_at, day = excluded.day, weekday = excluded.weekday,
    hour = excluded.hour, channel = excluded.channel, warehouse_id = excluded.warehouse_id, province = excluded.province,
    city = excluded.city, merged = excluded.merged, total_fen = excluded.total_fen, paid_at = excluded.paid_at,
    shipped_at = excluded.shipped_at, delivered_at = excluded.delivered_at, returned_at = excluded.returned_at,
    line_count = excluded.line_count, units = excluded.units, skus = excluded.skus, pairs = excluded.pairs, categories = excluded.categories,
    carrier_fen = excluded.carrier_fen,
    forward_shipped = excluded.forward_shipped, transfer_units = excluded.transfer_units,
    purchase_freight_fen = excluded.purchase_freight_fen;
END $$;
--> statement-breakpoint
UPDATE order_facts f SET pairs = (
  SELECT array_agg(x.sku || chr(31) || y.sku ORDER BY x.sku, y.sku) FROM unnest(f.skus) x(sku) JOIN unnest(f.skus) y(sku) ON x.sku < y.sku)
WHERE cardinality(f.skus) > 1;
