ALTER TABLE "orders" ADD COLUMN "stop_loss_price" numeric;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "take_profit_price" numeric;