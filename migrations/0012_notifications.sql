CREATE TABLE "notification_events" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "notification_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"type" text NOT NULL,
	"sink" text,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"fanned_out_at" timestamp with time zone,
	CONSTRAINT "notification_events_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"event_id" text NOT NULL,
	"sink" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "notification_deliveries_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_type" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"last_status_code" integer,
	"last_error" text,
	"last_failure_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_deliveries_event_id_sink_pk" PRIMARY KEY("event_id","sink"),
	CONSTRAINT "notification_deliveries_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_event_id_notification_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."notification_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_events_unfanned_idx" ON "notification_events" USING btree ("seq") WHERE "notification_events"."fanned_out_at" is null;--> statement-breakpoint
CREATE INDEX "notification_deliveries_due_idx" ON "notification_deliveries" USING btree ("sink","next_attempt_at") WHERE "notification_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "notification_deliveries_sink_seq_idx" ON "notification_deliveries" USING btree ("sink","seq");--> statement-breakpoint
CREATE INDEX "notification_deliveries_status_seq_idx" ON "notification_deliveries" USING btree ("status","seq");--> statement-breakpoint
CREATE INDEX "notification_deliveries_sink_delivered_idx" ON "notification_deliveries" USING btree ("sink","delivered_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_sink_failure_idx" ON "notification_deliveries" USING btree ("sink","last_failure_at");