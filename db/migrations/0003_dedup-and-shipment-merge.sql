CREATE TABLE "dedup_claims" (
	"order_id" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"ordered_at" timestamp with time zone NOT NULL,
	"primary_order_id" text,
	"merged_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"total_fen" integer NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "merged_parcel_orders" (
	"order_id" text PRIMARY KEY NOT NULL,
	"parcel_id" text NOT NULL,
	"lines" jsonb NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"left_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "merged_parcels" (
	"id" text PRIMARY KEY NOT NULL,
	"group_key" text NOT NULL,
	"store_id" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"task_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"carrier" text,
	"waybill_no" text,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sealed_at" timestamp with time zone,
	CONSTRAINT "merged_parcels_taskId_unique" UNIQUE("task_id")
);
--> statement-breakpoint
CREATE TABLE "shipment_merge_settings" (
	"store_id" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "dedup_claims_fingerprint_idx" ON "dedup_claims" USING btree ("fingerprint","ordered_at");--> statement-breakpoint
CREATE INDEX "dedup_claims_primary_idx" ON "dedup_claims" USING btree ("primary_order_id");--> statement-breakpoint
CREATE INDEX "merged_parcel_orders_parcel_idx" ON "merged_parcel_orders" USING btree ("parcel_id");--> statement-breakpoint
CREATE INDEX "merged_parcels_group_idx" ON "merged_parcels" USING btree ("group_key","status");--> statement-breakpoint
CREATE INDEX "merged_parcels_waybill_idx" ON "merged_parcels" USING btree ("carrier","waybill_no");