CREATE TABLE "account_daily_pnl" (
	"account_id" text NOT NULL,
	"day" date NOT NULL,
	"realized_pnl" numeric NOT NULL,
	"fees" numeric NOT NULL,
	CONSTRAINT "account_daily_pnl_account_id_day_pk" PRIMARY KEY("account_id","day")
);
--> statement-breakpoint
DROP INDEX "fills_account_time_idx";--> statement-breakpoint
-- Fills booked before this table existed: their days' totals, so today's daily-loss check still sees them.
INSERT INTO "account_daily_pnl" ("account_id", "day", "realized_pnl", "fees")
SELECT "account_id", ("filled_at" AT TIME ZONE 'UTC')::date, sum("realized_pnl"), sum("fee")
FROM "fills" GROUP BY 1, 2;
