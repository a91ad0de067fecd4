CREATE TABLE "stock_sync_orders" (
	"order_id" text NOT NULL,
	"sku" text NOT NULL,
	"round_id" bigint NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stock_sync_orders_order_id_sku_pk" PRIMARY KEY("order_id","sku")
);
--> statement-breakpoint
CREATE TABLE "stock_sync_rounds" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"available" integer NOT NULL,
	"changes" integer NOT NULL,
	"first_change_at" timestamp with time zone,
	"read_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stores" integer NOT NULL,
	"pushed" integer NOT NULL,
	"skipped" integer NOT NULL,
	"failed" integer NOT NULL,
	"outcomes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "store_skus" (
	"store_id" text NOT NULL,
	"sku" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_skus_store_id_sku_pk" PRIMARY KEY("store_id","sku")
);
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "refresh_token_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "token_refreshed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "auth_error" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "last_polled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "last_poll_error" text;--> statement-breakpoint
CREATE INDEX "stock_sync_orders_synced_idx" ON "stock_sync_orders" USING btree ("synced_at");--> statement-breakpoint
CREATE INDEX "stock_sync_rounds_sku_idx" ON "stock_sync_rounds" USING btree ("sku","completed_at");--> statement-breakpoint
CREATE INDEX "store_skus_sku_idx" ON "store_skus" USING btree ("sku");