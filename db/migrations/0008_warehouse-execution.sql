CREATE TABLE "carrier_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pda_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"warehouse_id" text NOT NULL,
	"kind" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "warehouse_day_load" (
	"warehouse_id" text NOT NULL,
	"day" date NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "warehouse_day_load_warehouse_id_day_pk" PRIMARY KEY("warehouse_id","day")
);
--> statement-breakpoint
CREATE TABLE "waves" (
	"id" text PRIMARY KEY NOT NULL,
	"warehouse_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"carrier" text,
	"cutoff" timestamp with time zone,
	"order_ids" text[] NOT NULL,
	"task_ids" text[] NOT NULL,
	"pick_list" jsonb NOT NULL,
	"routing" text NOT NULL,
	"walk_meters" double precision NOT NULL,
	"naive_walk_meters" double precision NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"packed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "skus" ADD COLUMN "weight_grams" integer;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "daily_order_capacity" integer;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "shipped_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "cost_fen" integer;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "carrier_rule_id" text;--> statement-breakpoint
ALTER TABLE "warehouse_tasks" ADD COLUMN "carrier" text;--> statement-breakpoint
ALTER TABLE "warehouse_tasks" ADD COLUMN "carrier_rule_id" text;--> statement-breakpoint
ALTER TABLE "warehouse_tasks" ADD COLUMN "wave_id" text;--> statement-breakpoint
ALTER TABLE "warehouse_tasks" ADD COLUMN "scanned" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "warehouse_tasks" ADD COLUMN "pack_check" text;--> statement-breakpoint
CREATE INDEX "pda_events_warehouse_idx" ON "pda_events" USING btree ("warehouse_id","id");--> statement-breakpoint
CREATE INDEX "waves_warehouse_idx" ON "waves" USING btree ("warehouse_id","status","created_at");--> statement-breakpoint
CREATE INDEX "warehouse_tasks_wave_idx" ON "warehouse_tasks" USING btree ("wave_id");