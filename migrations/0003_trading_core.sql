CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"venue" text NOT NULL,
	"currency" text NOT NULL,
	"starting_cash" numeric NOT NULL,
	"cash" numeric NOT NULL,
	"fees" numeric NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fills" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"account_id" text NOT NULL,
	"strategy_id" text NOT NULL,
	"position_id" text NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"quantity" numeric NOT NULL,
	"price" numeric NOT NULL,
	"fee" numeric NOT NULL,
	"liquidity" text NOT NULL,
	"realized_pnl" numeric NOT NULL,
	"filled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "market_prices" (
	"symbol" text PRIMARY KEY NOT NULL,
	"price" numeric NOT NULL,
	"source" text NOT NULL,
	"observed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "orders_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"client_order_id" text NOT NULL,
	"account_id" text NOT NULL,
	"strategy_id" text NOT NULL,
	"signal_id" text,
	"leg" integer NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"kind" text NOT NULL,
	"role" text NOT NULL,
	"quantity" numeric NOT NULL,
	"limit_price" numeric,
	"stop_price" numeric,
	"reduce_only" boolean NOT NULL,
	"parent_order_id" text,
	"status" text NOT NULL,
	"filled_quantity" numeric NOT NULL,
	"average_fill_price" numeric,
	"venue_order_id" text,
	"reject_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "orders_seq_unique" UNIQUE("seq"),
	CONSTRAINT "orders_client_order_id_unique" UNIQUE("client_order_id")
);
--> statement-breakpoint
CREATE TABLE "positions" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"strategy_id" text NOT NULL,
	"symbol" text NOT NULL,
	"opening_fill_id" text NOT NULL,
	"contract_size" numeric NOT NULL,
	"quantity" numeric NOT NULL,
	"average_entry_price" numeric NOT NULL,
	"cost_basis" numeric NOT NULL,
	"realized_pnl" numeric NOT NULL,
	"fees" numeric NOT NULL,
	"status" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risk_decisions" (
	"id" text PRIMARY KEY NOT NULL,
	"signal_id" text,
	"strategy_id" text NOT NULL,
	"account_id" text NOT NULL,
	"symbol" text NOT NULL,
	"leg" integer NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"limit_text" text,
	"order_id" text,
	"request" jsonb NOT NULL,
	"checks" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "strategies" ADD COLUMN "config" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "fills_order_idx" ON "fills" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "fills_position_idx" ON "fills" USING btree ("position_id");--> statement-breakpoint
CREATE INDEX "orders_signal_idx" ON "orders" USING btree ("signal_id");--> statement-breakpoint
CREATE INDEX "orders_strategy_seq_idx" ON "orders" USING btree ("strategy_id","seq");--> statement-breakpoint
CREATE INDEX "orders_open_idx" ON "orders" USING btree ("account_id","symbol") WHERE "orders"."status" in ('new', 'submitted', 'partially_filled');--> statement-breakpoint
CREATE UNIQUE INDEX "positions_one_open_idx" ON "positions" USING btree ("account_id","strategy_id","symbol") WHERE "positions"."status" = 'open';--> statement-breakpoint
CREATE INDEX "positions_strategy_idx" ON "positions" USING btree ("strategy_id","status");--> statement-breakpoint
CREATE INDEX "risk_decisions_signal_idx" ON "risk_decisions" USING btree ("signal_id");