CREATE TABLE "price_gap_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"low_channel" text NOT NULL,
	"low_fen" integer NOT NULL,
	"high_channel" text NOT NULL,
	"high_fen" integer NOT NULL,
	"gap_fen" integer NOT NULL,
	"gap_pct" double precision NOT NULL,
	"prices" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"pushed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sku_prices" (
	"sku" text NOT NULL,
	"channel" text NOT NULL,
	"price_fen" integer NOT NULL,
	"source" text NOT NULL,
	"store_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sku_prices_sku_channel_pk" PRIMARY KEY("sku","channel")
);
--> statement-breakpoint
CREATE TABLE "statement_imports" (
	"id" text PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"file_name" text,
	"encoding" text NOT NULL,
	"rows" integer NOT NULL,
	"new_rows" integer NOT NULL,
	"first_at" timestamp with time zone,
	"last_at" timestamp with time zone,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "statement_rows" (
	"platform" text NOT NULL,
	"row_id" text NOT NULL,
	"import_id" text NOT NULL,
	"order_ref" text,
	"alt_refs" text[],
	"kind" text NOT NULL,
	"sale_fen" integer DEFAULT 0 NOT NULL,
	"refund_fen" integer DEFAULT 0 NOT NULL,
	"fee_fen" integer DEFAULT 0 NOT NULL,
	"freight_fen" integer DEFAULT 0 NOT NULL,
	"net_fen" integer NOT NULL,
	"booked_at" timestamp with time zone NOT NULL,
	"business_type" text,
	"note" text,
	CONSTRAINT "statement_rows_platform_row_id_pk" PRIMARY KEY("platform","row_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "price_gap_alerts_open_sku" ON "price_gap_alerts" USING btree ("sku") WHERE "price_gap_alerts"."status" = 'open';--> statement-breakpoint
CREATE INDEX "price_gap_alerts_opened_idx" ON "price_gap_alerts" USING btree ("opened_at");--> statement-breakpoint
CREATE INDEX "statement_rows_order_idx" ON "statement_rows" USING btree ("platform","order_ref");--> statement-breakpoint
CREATE INDEX "statement_rows_booked_idx" ON "statement_rows" USING btree ("platform","booked_at");