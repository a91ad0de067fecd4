CREATE TABLE "ingest_buffer" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"entry" jsonb NOT NULL,
	"accepted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ingest_buffer_claim_idx" ON "ingest_buffer" USING btree ("queue","claimed_until","id");