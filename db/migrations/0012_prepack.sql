CREATE TABLE "behaviour_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"customer_key" text NOT NULL,
	"customer_label" text NOT NULL,
	"sku" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"dwell_seconds" integer DEFAULT 0 NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prepack_models" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL,
	"model" jsonb NOT NULL,
	"evaluation" jsonb NOT NULL,
	"train_from" timestamp with time zone NOT NULL,
	"train_to" timestamp with time zone NOT NULL,
	"test_to" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prepack_order_customers" (
	"order_id" text PRIMARY KEY NOT NULL,
	"customer_key" text NOT NULL,
	"ordered_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prepacks" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_key" text NOT NULL,
	"customer_label" text NOT NULL,
	"sku" text NOT NULL,
	"probability" double precision NOT NULL,
	"model_id" integer,
	"warehouse_id" text NOT NULL,
	"task_id" text NOT NULL,
	"waybill_no" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"day" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"order_id" text
);
--> statement-breakpoint
CREATE INDEX "behaviour_events_customer_sku_idx" ON "behaviour_events" USING btree ("customer_key","sku","at");--> statement-breakpoint
CREATE INDEX "behaviour_events_received_idx" ON "behaviour_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "prepack_order_customers_key_idx" ON "prepack_order_customers" USING btree ("customer_key","ordered_at");--> statement-breakpoint
CREATE UNIQUE INDEX "prepacks_open_customer_sku" ON "prepacks" USING btree ("customer_key","sku") WHERE "prepacks"."status" = 'open';--> statement-breakpoint
CREATE INDEX "prepacks_warehouse_day_idx" ON "prepacks" USING btree ("warehouse_id","day");--> statement-breakpoint
CREATE INDEX "prepacks_customer_sku_idx" ON "prepacks" USING btree ("customer_key","sku","closed_at");