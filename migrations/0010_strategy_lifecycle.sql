CREATE TABLE "strategy_stage_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strategy_stage_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"strategy_id" text NOT NULL,
	"from_stage" text,
	"to_stage" text NOT NULL,
	"mode" text NOT NULL,
	"account_id" text,
	"reason" text,
	"forced" boolean NOT NULL,
	"checks" jsonb NOT NULL,
	"backtest_id" text,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "strategies" ADD COLUMN "stage" text DEFAULT 'paper' NOT NULL;--> statement-breakpoint
ALTER TABLE "strategy_stage_changes" ADD CONSTRAINT "strategy_stage_changes_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "strategy_stage_changes_strategy_idx" ON "strategy_stage_changes" USING btree ("strategy_id","id");--> statement-breakpoint
-- Strategies from before stages: the stage that agrees with their mode. A disabled one trades nothing,
-- as a candidate does; a paper one keeps trading paper (the column default).
UPDATE "strategies" SET "stage" = CASE "config"->>'mode' WHEN 'live' THEN 'live' WHEN 'disabled' THEN 'candidate' ELSE 'paper' END;
