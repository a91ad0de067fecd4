CREATE TABLE "stores" (
	"id" text PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"shop_id" text NOT NULL,
	"name" text,
	"app_key" text NOT NULL,
	"app_secret_sealed" text NOT NULL,
	"push_token_sealed" text,
	"access_token_sealed" text,
	"refresh_token_sealed" text,
	"access_token_expires_at" timestamp with time zone,
	"base_url" text,
	"poll_cursor" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stores_platform_shop" UNIQUE("platform","shop_id")
);
--> statement-breakpoint
CREATE TABLE "purchasing_notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"sku" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"return_id" text,
	"order_id" text,
	"resaleable" integer DEFAULT 0 NOT NULL,
	"damaged" integer DEFAULT 0 NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notified_at" timestamp with time zone,
	CONSTRAINT "purchasing_notifications_return_sku" UNIQUE("return_id","sku")
);
--> statement-breakpoint
CREATE TABLE "quarantine_stock" (
	"warehouse_id" text NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quarantine_stock_warehouse_id_sku_pk" PRIMARY KEY("warehouse_id","sku"),
	CONSTRAINT "quarantine_stock_non_negative" CHECK ("quarantine_stock"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "return_receipts" (
	"return_id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"received_by" text NOT NULL,
	"scanned_by" text,
	"lines" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "return_refunds" (
	"return_id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"channel" text NOT NULL,
	"amount_fen" integer NOT NULL,
	"status" text DEFAULT 'recorded' NOT NULL,
	"reference" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"written_back_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "returns" (
	"return_id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"source" text NOT NULL,
	"external_id" text,
	"reason" text NOT NULL,
	"refused_by_buyer" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"lines" jsonb NOT NULL,
	"carrier" text,
	"waybill_no" text,
	"carrier_status" text,
	"last_update_at" timestamp with time zone,
	"refund_fen" integer NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "purchasing_notifications_sku_idx" ON "purchasing_notifications" USING btree ("sku","created_at");--> statement-breakpoint
CREATE INDEX "returns_order_idx" ON "returns" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "returns_status_idx" ON "returns" USING btree ("status","requested_at");