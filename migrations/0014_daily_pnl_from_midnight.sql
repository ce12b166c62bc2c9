CREATE TABLE "account_daily_flows" (
	"account_id" text NOT NULL,
	"day" date NOT NULL,
	"symbol" text NOT NULL,
	"quantity" numeric NOT NULL,
	"cost" numeric NOT NULL,
	CONSTRAINT "account_daily_flows_account_id_day_symbol_pk" PRIMARY KEY("account_id","day","symbol")
);
--> statement-breakpoint
ALTER TABLE "market_prices" ADD COLUMN "day_open_price" numeric;--> statement-breakpoint
ALTER TABLE "market_prices" ADD COLUMN "day_open_day" date;--> statement-breakpoint
-- The flows of the fills booked before this migration, so the day it runs on counts them too.
INSERT INTO "account_daily_flows" ("account_id", "day", "symbol", "quantity", "cost")
SELECT f."account_id", (f."filled_at" AT TIME ZONE 'UTC')::date, f."symbol",
  sum(CASE WHEN f."side" = 'buy' THEN f."quantity" ELSE -f."quantity" END * p."contract_size"),
  sum(CASE WHEN f."side" = 'buy' THEN f."quantity" ELSE -f."quantity" END * p."contract_size" * f."price" + f."fee")
FROM "fills" f JOIN "positions" p ON p."id" = f."position_id"
GROUP BY 1, 2, 3;
