CREATE TABLE "backtests" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "backtests_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"status" text NOT NULL,
	"strategy_id" text,
	"request" jsonb NOT NULL,
	"spec" jsonb NOT NULL,
	"timeout_seconds" integer NOT NULL,
	"progress" double precision DEFAULT 0 NOT NULL,
	"candles_total" bigint DEFAULT 0 NOT NULL,
	"candles_processed" bigint DEFAULT 0 NOT NULL,
	"metrics" jsonb,
	"summary" jsonb,
	"trades_count" integer,
	"trades_hash" text,
	"error_code" text,
	"error_message" text,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"runner" text,
	"heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "backtests_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE TABLE "backtest_trades" (
	"backtest_id" text NOT NULL,
	"seq" integer NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"quantity" numeric NOT NULL,
	"entry_time" timestamp with time zone NOT NULL,
	"entry_price" numeric NOT NULL,
	"exit_time" timestamp with time zone NOT NULL,
	"exit_price" numeric NOT NULL,
	"realized_pnl" numeric NOT NULL,
	"fees" numeric NOT NULL,
	"net_pnl" numeric NOT NULL,
	"exit_reason" text NOT NULL,
	"bars" integer NOT NULL,
	CONSTRAINT "backtest_trades_backtest_id_seq_pk" PRIMARY KEY("backtest_id","seq")
);
--> statement-breakpoint
CREATE TABLE "backtest_equity" (
	"backtest_id" text NOT NULL,
	"seq" integer NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"equity" double precision NOT NULL,
	CONSTRAINT "backtest_equity_backtest_id_seq_pk" PRIMARY KEY("backtest_id","seq")
);
--> statement-breakpoint
ALTER TABLE "backtests" ADD CONSTRAINT "backtests_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backtest_trades" ADD CONSTRAINT "backtest_trades_backtest_id_backtests_id_fk" FOREIGN KEY ("backtest_id") REFERENCES "public"."backtests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backtest_equity" ADD CONSTRAINT "backtest_equity_backtest_id_backtests_id_fk" FOREIGN KEY ("backtest_id") REFERENCES "public"."backtests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "backtests_status_seq_idx" ON "backtests" USING btree ("status","seq");--> statement-breakpoint
CREATE INDEX "backtests_strategy_seq_idx" ON "backtests" USING btree ("strategy_id","seq");--> statement-breakpoint
CREATE INDEX "backtests_running_idx" ON "backtests" USING btree ("runner") WHERE "backtests"."status" = 'running';