CREATE TABLE "candle_feed_cursors" (
	"strategy_id" text NOT NULL,
	"symbol" text NOT NULL,
	"timeframe" text NOT NULL,
	"last_open_time" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "candle_feed_cursors_strategy_id_symbol_timeframe_pk" PRIMARY KEY("strategy_id","symbol","timeframe")
);
--> statement-breakpoint
ALTER TABLE "candle_feed_cursors" ADD CONSTRAINT "candle_feed_cursors_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE no action ON UPDATE no action;