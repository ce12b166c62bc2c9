CREATE TABLE "signal_dedupe" (
	"strategy_id" text NOT NULL,
	"key" text NOT NULL,
	"delivery_id" text NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "signal_dedupe_strategy_id_key_pk" PRIMARY KEY("strategy_id","key")
);
--> statement-breakpoint
CREATE TABLE "signals" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "signals_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"delivery_id" text NOT NULL,
	"command_index" integer NOT NULL,
	"strategy_id" text NOT NULL,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"symbol" text,
	"lane" text,
	"signal" jsonb,
	"reject_code" text,
	"reject_reason" text,
	"reject_detail" text,
	"notes" jsonb NOT NULL,
	"format" text,
	"raw_body" text NOT NULL,
	"content_type" text,
	"source_address" text,
	"alert_id" text,
	"webhook_id" text,
	"webhook_timestamp" timestamp with time zone,
	"received_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_by" text,
	"claim_expires_at" timestamp with time zone,
	"processed_at" timestamp with time zone,
	"result" jsonb,
	CONSTRAINT "signals_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE TABLE "strategies" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean NOT NULL,
	"allowed_symbols" text[] NOT NULL,
	"webhook_token_hash" text NOT NULL,
	"passphrase_hash" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "strategies_key_unique" UNIQUE("key"),
	CONSTRAINT "strategies_webhook_token_hash_unique" UNIQUE("webhook_token_hash")
);
--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signals_strategy_seq_idx" ON "signals" USING btree ("strategy_id","seq");--> statement-breakpoint
CREATE INDEX "signals_status_seq_idx" ON "signals" USING btree ("status","seq");--> statement-breakpoint
CREATE INDEX "signals_delivery_idx" ON "signals" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "signals_open_lane_idx" ON "signals" USING btree ("lane","seq") WHERE "signals"."status" in ('queued', 'processing');