CREATE TABLE "sku_dictionary" (
	"id" serial PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	CONSTRAINT "sku_dictionary_sku_unique" UNIQUE("sku")
);
--> statement-breakpoint
ALTER TABLE "order_facts" ADD COLUMN "basket_keys" bigint[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "order_facts" DROP COLUMN "pairs";--> statement-breakpoint
-- Co-purchase hashed every SKU and pair of a period as text (4 million items over a million orders, 117,790 of
-- them distinct). SKUs now get a number of their own, once, and the facts hold the basket as the integers the
-- report counts (`basket_keys`: the smallest SKU id negated, which counts the order as well as that SKU, the other
-- SKU ids, then a key per pair); the report looks names up only for what it returns. An id is never reused nor
-- changed, so no facts row has to be rewritten when a SKU appears. Seeded in name order from the facts there are;
-- refresh_order_facts numbers the SKUs it meets for the first time.
INSERT INTO sku_dictionary (sku) SELECT DISTINCT unnest(skus) FROM order_facts ORDER BY 1;
--> statement-breakpoint
-- The key of the pair of SKU ids a < b: a in the high half, b in the low half XOR a × 2654435761 (mod 2³²).
-- PostgreSQL hashes a bigint as its high half XOR its low half, so a plain a << 32 | b would hash every pair with
-- the same a XOR b alike (500 SKUs: 117,289 pairs into at most 512 hash values); scrambled by a, they spread, and
-- b = low half XOR a × 2654435761 (mod 2³²) still. Always ≥ 2³², so never equal to a SKU id.
CREATE FUNCTION sku_pair_key(a integer, b integer) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (a::bigint << 32) | (b::bigint # ((a::bigint * 2654435761) & 4294967295));
--> statement-breakpoint
CREATE OR REPLACE FUNCTION refresh_order_facts(ids text[], lock boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(ids) = 0 THEN RETURN; END IF;
  IF lock THEN
    PERFORM pg_advisory_xact_lock(1868, hashtext(id)) FROM (SELECT DISTINCT unnest(ids) AS id ORDER BY 1) l;
  END IF;
  -- Only the SKUs not numbered yet (a conflict would still draw a number from the sequence: refreshing the same
  -- orders again and again must not use the ids up), in name order, so two refreshes meeting the same new SKUs
  -- wait for each other in one order; the one that waited keeps the other's number.
  INSERT INTO sku_dictionary (sku)
  SELECT s.sku FROM (SELECT DISTINCT l.sku FROM order_lines l WHERE l.order_id = ANY (ids)) s
  WHERE NOT EXISTS (SELECT 1 FROM sku_dictionary d WHERE d.sku = s.sku)
  ORDER BY 1
  ON CONFLICT (sku) DO NOTHING;
  INSERT INTO order_facts AS f (order_id, ordered_at, day, weekday, hour, channel, warehouse_id, province, city, merged,
    total_fen, paid_at, shipped_at, delivered_at, returned_at, line_count, units, skus, basket_keys, categories, carrier_fen,
    forward_shipped, transfer_units, purchase_freight_fen)
  SELECT o.order_id, o.ordered_at, (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date,
    extract(isodow FROM o.ordered_at AT TIME ZONE 'Asia/Shanghai')::smallint, extract(hour FROM o.ordered_at AT TIME ZONE 'Asia/Shanghai')::smallint,
    o.channel, o.warehouse_id, o.shipping_address->>'province', o.shipping_address->>'city',
    o.merged_into IS NOT NULL OR o.status = 'MERGED', o.total_fen, o.paid_at,
    ev.shipped_at, ev.delivered_at, rt.returned_at,
    coalesce(ln.line_count, 0), coalesce(ln.units, 0), coalesce(ln.skus, '{}'), coalesce(bk.keys, '{}'), coalesce(ct.categories, '{}'),
    coalesce(sh.fen, 0), coalesce(sh.forward, false), coalesce(tr.units, 0), coalesce(pu.fen, 0)
  FROM orders o
  LEFT JOIN LATERAL (
    SELECT min(e.at) FILTER (WHERE e.type = 'SHIPPED') AS shipped_at, min(e.at) FILTER (WHERE e.type = 'DELIVERED') AS delivered_at
    FROM order_events e WHERE e.order_id = o.order_id AND e.type IN ('SHIPPED', 'DELIVERED')) ev ON true
  LEFT JOIN LATERAL (SELECT min(r.requested_at) AS returned_at FROM returns r WHERE r.order_id = o.order_id) rt ON true
  LEFT JOIN LATERAL (
    SELECT count(*)::int AS line_count, sum(l.quantity)::int AS units, array_agg(DISTINCT l.sku ORDER BY l.sku) AS skus
    FROM order_lines l WHERE l.order_id = o.order_id) ln ON true
  LEFT JOIN LATERAL (SELECT array_agg(d.id ORDER BY d.id) AS sku_ids FROM sku_dictionary d WHERE d.sku = ANY (ln.skus)) di ON true
  LEFT JOIN LATERAL (
    SELECT CASE WHEN cardinality(di.sku_ids) > 0 THEN -di.sku_ids[1]::bigint || di.sku_ids[2:]::bigint[]
      || coalesce(array_agg(sku_pair_key(x.id, y.id) ORDER BY x.id, y.id), '{}') END AS keys
    FROM unnest(di.sku_ids) x(id) JOIN unnest(di.sku_ids) y(id) ON x.id < y.id) bk ON true
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
    line_count = excluded.line_count, units = excluded.units, skus = excluded.skus, basket_keys = excluded.basket_keys,
    categories = excluded.categories, carrier_fen = excluded.carrier_fen,
    forward_shipped = excluded.forward_shipped, transfer_units = excluded.transfer_units,
    purchase_freight_fen = excluded.purchase_freight_fen;
END $$;
--> statement-breakpoint
-- The existing rows, from the SKUs they hold (one pass; their other facts stay as they are).
UPDATE order_facts f SET basket_keys = -b.sku_ids[1]::bigint || b.sku_ids[2:]::bigint[] || coalesce((
    SELECT array_agg(sku_pair_key(x.id, y.id) ORDER BY x.id, y.id) FROM unnest(b.sku_ids) x(id) JOIN unnest(b.sku_ids) y(id) ON x.id < y.id), '{}')
FROM (
  SELECT f2.order_id, array_agg(d.id ORDER BY d.id) AS sku_ids
  FROM order_facts f2 CROSS JOIN LATERAL unnest(f2.skus) s(sku) JOIN sku_dictionary d ON d.sku = s.sku
  GROUP BY f2.order_id) b
WHERE b.order_id = f.order_id;
