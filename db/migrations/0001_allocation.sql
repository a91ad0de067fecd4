CREATE TABLE "allocation_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_allocations" (
	"order_id" text PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"parcels" jsonb,
	"transfer_id" text,
	"purchase_order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "purchase_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text,
	"warehouse_id" text NOT NULL,
	"lines" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"for_order" boolean DEFAULT true NOT NULL,
	"supplier" text DEFAULT '1688' NOT NULL,
	"supplier_order_id" text,
	"total_fen" integer,
	"post_fee_fen" integer,
	"failed_offers" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ordered_at" timestamp with time zone,
	"received_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "replenishment_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"warehouse_id" text NOT NULL,
	"sku" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"available" integer NOT NULL,
	"safety_stock" integer NOT NULL,
	"velocity_per_day" double precision NOT NULL,
	"suggested_quantity" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "transfer_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text,
	"from_warehouse_id" text NOT NULL,
	"to_warehouse_id" text NOT NULL,
	"lines" jsonb NOT NULL,
	"status" text DEFAULT 'in_transit' NOT NULL,
	"for_order" boolean DEFAULT true NOT NULL,
	"distance_km" integer,
	"eta" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"received_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "purchase_orders_status_idx" ON "purchase_orders" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "purchase_orders_order_idx" ON "purchase_orders" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "replenishment_alerts_open_uq" ON "replenishment_alerts" USING btree ("warehouse_id","sku") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "replenishment_alerts_status_idx" ON "replenishment_alerts" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "transfer_orders_status_idx" ON "transfer_orders" USING btree ("status","eta");--> statement-breakpoint
CREATE INDEX "transfer_orders_order_idx" ON "transfer_orders" USING btree ("order_id");