CREATE TABLE "trading_states" (
	"scope" text NOT NULL,
	"scope_id" text NOT NULL,
	"state" text NOT NULL,
	"reason" text NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "trading_states_scope_scope_id_pk" PRIMARY KEY("scope","scope_id")
);
