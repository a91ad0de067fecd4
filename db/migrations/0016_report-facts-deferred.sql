-- order_facts, recomputed off the write's path. Until now the triggers recomputed an order's facts inside the
-- transaction that changed it; at a live-stream peak that was four recomputations per accepted order inside the
-- intake's transactions (order, lines, first events), and cost the intake 40% of its rate. The triggers now only
-- mark the order (a primary-key insert); refresh_pending_order_facts recomputes the marked orders in batches: a
-- background job between bursts, and every report before it reads, so reports stay exact.
CREATE TABLE "order_facts_pending" (
	"order_id" text PRIMARY KEY NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- In id order: two transactions marking overlapping orders never wait on each other in a circle.
CREATE FUNCTION mark_order_facts(ids text[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO order_facts_pending (order_id)
  SELECT DISTINCT id FROM unnest(ids) AS id WHERE id IS NOT NULL ORDER BY 1
  ON CONFLICT DO NOTHING
$$;
--> statement-breakpoint
-- Recomputes up to max_orders marked orders and unmarks them; returns how many. `wait`: also those another
-- refresh holds right now (waited for: a report must not read facts a concurrent refresh has not written yet);
-- otherwise they are skipped (the background job). An order changed again meanwhile is marked again by its
-- change, which commits after this refresh read it.
CREATE FUNCTION refresh_pending_order_facts(max_orders integer, wait boolean) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE ids text[];
BEGIN
  IF wait THEN
    SELECT array_agg(order_id) INTO ids FROM (SELECT order_id FROM order_facts_pending ORDER BY order_id LIMIT max_orders FOR UPDATE) p;
  ELSE
    SELECT array_agg(order_id) INTO ids FROM (SELECT order_id FROM order_facts_pending ORDER BY order_id LIMIT max_orders FOR UPDATE SKIP LOCKED) p;
  END IF;
  IF ids IS NULL THEN RETURN 0; END IF;
  DELETE FROM order_facts_pending WHERE order_id = ANY (ids);
  PERFORM refresh_order_facts(ids, true);
  RETURN cardinality(ids);
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION order_facts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_order_facts(array(SELECT order_id FROM new_rows));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION order_facts_after_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_order_facts(array(SELECT order_id FROM new_rows WHERE type IN ('SHIPPED', 'DELIVERED')));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION order_facts_after_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_order_facts(ARRAY[NEW.order_id]);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION order_facts_after_sku_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed text[] := array(SELECT n.sku FROM new_rows n WHERE n.category IS NOT NULL);
BEGIN
  IF cardinality(changed) > 0 THEN
    PERFORM mark_order_facts(array(SELECT f.order_id FROM order_facts f WHERE f.skus && changed));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION order_facts_after_sku_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed text[] := array(SELECT n.sku FROM new_rows n JOIN old_rows o USING (sku) WHERE n.category IS DISTINCT FROM o.category);
BEGIN
  IF cardinality(changed) > 0 THEN
    PERFORM mark_order_facts(array(SELECT f.order_id FROM order_facts f WHERE f.skus && changed));
  END IF;
  RETURN NULL;
END $$;
