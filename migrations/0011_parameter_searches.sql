CREATE TABLE "parameter_searches" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "parameter_searches_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"status" text NOT NULL,
	"strategy_id" text,
	"request" jsonb NOT NULL,
	"spec" jsonb NOT NULL,
	"candidates" integer NOT NULL,
	"timeout_seconds" integer NOT NULL,
	"progress_phase" text,
	"progress_done" integer DEFAULT 0 NOT NULL,
	"progress_total" integer DEFAULT 0 NOT NULL,
	"result" jsonb,
	"ranking_hash" text,
	"error_code" text,
	"error_message" text,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"runner" text,
	"heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "parameter_searches_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
ALTER TABLE "parameter_searches" ADD CONSTRAINT "parameter_searches_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "parameter_searches_status_seq_idx" ON "parameter_searches" USING btree ("status","seq");--> statement-breakpoint
CREATE INDEX "parameter_searches_strategy_seq_idx" ON "parameter_searches" USING btree ("strategy_id","seq");--> statement-breakpoint
CREATE INDEX "parameter_searches_running_idx" ON "parameter_searches" USING btree ("runner") WHERE "parameter_searches"."status" = 'running';