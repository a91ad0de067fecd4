CREATE TABLE "field_mappings" (
	"platform" text PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest_dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"platform" text,
	"store_id" text,
	"channel_order_id" text,
	"source" text NOT NULL,
	"reason" text NOT NULL,
	"message" text NOT NULL,
	"issues" jsonb,
	"entry" jsonb,
	"payload" jsonb,
	"attempts" integer DEFAULT 1 NOT NULL,
	"failures" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ingest_messages" (
	"platform" text NOT NULL,
	"message_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ingest_messages_platform_message_id_pk" PRIMARY KEY("platform","message_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "ingest_dead_letters_key" ON "ingest_dead_letters" USING btree ("key");--> statement-breakpoint
CREATE INDEX "ingest_dead_letters_status_idx" ON "ingest_dead_letters" USING btree ("status","updated_at");