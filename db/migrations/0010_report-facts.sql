CREATE TABLE "order_facts" (
	"order_id" text PRIMARY KEY NOT NULL,
	"ordered_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"weekday" smallint NOT NULL,
	"hour" smallint NOT NULL,
	"channel" text NOT NULL,
	"warehouse_id" text,
	"province" text,
	"city" text,
	"merged" boolean NOT NULL,
	"total_fen" bigint NOT NULL,
	"paid_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"returned_at" timestamp with time zone,
	"line_count" integer NOT NULL,
	"units" integer NOT NULL,
	"skus" text[] NOT NULL,
	"carrier_fen" integer NOT NULL,
	"forward_shipped" boolean NOT NULL,
	"transfer_units" integer NOT NULL,
	"purchase_freight_fen" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "order_facts" ADD CONSTRAINT "order_facts_order_id_orders_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("order_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_facts_ordered_at_idx" ON "order_facts" USING btree ("ordered_at");--> statement-breakpoint
CREATE INDEX "order_facts_warehouse_shipped_idx" ON "order_facts" USING btree ("warehouse_id","shipped_at");--> statement-breakpoint
CREATE INDEX "shipments_warehouse_idx" ON "shipments" USING btree ("warehouse_id","created_at");--> statement-breakpoint
CREATE INDEX "order_allocations_warehouse_idx" ON "order_allocations" USING btree ("warehouse_id","created_at");--> statement-breakpoint
CREATE INDEX "transfer_orders_from_idx" ON "transfer_orders" USING btree ("from_warehouse_id","created_at");--> statement-breakpoint
CREATE INDEX "transfer_orders_to_idx" ON "transfer_orders" USING btree ("to_warehouse_id","created_at");--> statement-breakpoint
-- order_facts is derived, never written by the application: refresh_order_facts recomputes the rows of the given
-- orders from the tables they come from, and the triggers below call it whenever one of those tables changes.
-- `lock` serialises refreshes of the same order (an advisory lock per order, taken in id order), so two
-- transactions changing one order at once cannot leave the row computed from a snapshot that misses the other's
-- change; a brand-new order's own insert needs no lock.
CREATE FUNCTION refresh_order_facts(ids text[], lock boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(ids) = 0 THEN RETURN; END IF;
  IF lock THEN
    PERFORM pg_advisory_xact_lock(1868, hashtext(id)) FROM (SELECT DISTINCT unnest(ids) AS id ORDER BY 1) l;
  END IF;
  INSERT INTO order_facts AS f (order_id, ordered_at, day, weekday, hour, channel, warehouse_id, province, city, merged,
    total_fen, paid_at, shipped_at, delivered_at, returned_at, line_count, units, skus, carrier_fen, forward_shipped,
    transfer_units, purchase_freight_fen)
  SELECT o.order_id, o.ordered_at, (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date,
    extract(isodow FROM o.ordered_at AT TIME ZONE 'Asia/Shanghai')::smallint, extract(hour FROM o.ordered_at AT TIME ZONE 'Asia/Shanghai')::smallint,
    o.channel, o.warehouse_id, o.shipping_address->>'province', o.shipping_address->>'city',
    o.merged_into IS NOT NULL OR o.status = 'MERGED', o.total_fen, o.paid_at,
    ev.shipped_at, ev.delivered_at, rt.returned_at,
    coalesce(ln.line_count, 0), coalesce(ln.units, 0), coalesce(ln.skus, '{}'),
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
    line_count = excluded.line_count, units = excluded.units, skus = excluded.skus, carrier_fen = excluded.carrier_fen,
    forward_shipped = excluded.forward_shipped, transfer_units = excluded.transfer_units,
    purchase_freight_fen = excluded.purchase_freight_fen;
END $$;
--> statement-breakpoint
CREATE FUNCTION order_facts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- TG_ARGV[0]: 'new' = rows of orders inserted by this statement (no lock needed); otherwise lock.
  PERFORM refresh_order_facts(array(SELECT DISTINCT order_id FROM new_rows WHERE order_id IS NOT NULL), TG_ARGV[0] <> 'new');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION order_facts_after_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_order_facts(array(SELECT DISTINCT order_id FROM new_rows WHERE type IN ('SHIPPED', 'DELIVERED')), true);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION order_facts_after_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.order_id IS NOT NULL THEN PERFORM refresh_order_facts(ARRAY[NEW.order_id], true); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER order_facts_orders_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_after_insert('new');
--> statement-breakpoint
CREATE TRIGGER order_facts_orders_update AFTER UPDATE ON orders FOR EACH ROW
  WHEN (old.paid_at IS DISTINCT FROM new.paid_at OR old.warehouse_id IS DISTINCT FROM new.warehouse_id
    OR old.merged_into IS DISTINCT FROM new.merged_into OR (old.status = 'MERGED') <> (new.status = 'MERGED')
    OR old.shipping_address IS DISTINCT FROM new.shipping_address OR old.total_fen <> new.total_fen
    OR old.ordered_at <> new.ordered_at OR old.channel <> new.channel)
  EXECUTE FUNCTION order_facts_after_row();
--> statement-breakpoint
CREATE TRIGGER order_facts_lines_insert AFTER INSERT ON order_lines REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_after_insert('new');
--> statement-breakpoint
CREATE TRIGGER order_facts_events_insert AFTER INSERT ON order_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_after_event();
--> statement-breakpoint
CREATE TRIGGER order_facts_returns_insert AFTER INSERT ON returns REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_after_insert('lock');
--> statement-breakpoint
CREATE TRIGGER order_facts_shipments_change AFTER INSERT OR UPDATE OF cost_fen, direction, order_id ON shipments FOR EACH ROW
  EXECUTE FUNCTION order_facts_after_row();
--> statement-breakpoint
CREATE TRIGGER order_facts_transfers_insert AFTER INSERT ON transfer_orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_after_insert('lock');
--> statement-breakpoint
CREATE TRIGGER order_facts_purchases_change AFTER INSERT OR UPDATE OF status, post_fee_fen ON purchase_orders FOR EACH ROW
  EXECUTE FUNCTION order_facts_after_row();
--> statement-breakpoint
SELECT refresh_order_facts(array(SELECT order_id FROM orders), false);
