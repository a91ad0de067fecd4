CREATE TABLE "order_intake" (
	"order_id" text PRIMARY KEY NOT NULL,
	"task_queue" text NOT NULL,
	"input" jsonb NOT NULL,
	"accepted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"started_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stock_holds" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "stock_holds_order_wh_sku" UNIQUE("order_id","warehouse_id","sku")
);
--> statement-breakpoint
ALTER TABLE "inventory" DROP CONSTRAINT "inventory_reserved_within_on_hand";--> statement-breakpoint
ALTER TABLE "inventory" ADD COLUMN "held" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "order_intake_pending_idx" ON "order_intake" USING btree ("task_queue","accepted_at") WHERE "order_intake"."started_at" is null;--> statement-breakpoint
CREATE INDEX "stock_holds_active_idx" ON "stock_holds" USING btree ("sku","warehouse_id") WHERE "stock_holds"."status" = 'held';--> statement-breakpoint
CREATE INDEX "order_events_type_at_idx" ON "order_events" USING btree ("type","at");--> statement-breakpoint
ALTER TABLE "inventory" ADD CONSTRAINT "inventory_committed_within_on_hand" CHECK ("inventory"."reserved" >= 0 AND "inventory"."held" >= 0 AND "inventory"."reserved" + "inventory"."held" <= "inventory"."on_hand");