CREATE TABLE "counting_sessions" (
	"poll_id" text PRIMARY KEY NOT NULL,
	"counters" jsonb NOT NULL,
	"scrutineers" jsonb NOT NULL,
	"box_state" text NOT NULL,
	"opened_by" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"confirmed_by" jsonb,
	"settlement" text,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "received_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "counting_sessions" ADD CONSTRAINT "counting_sessions_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counting_sessions" ADD CONSTRAINT "counting_sessions_opened_by_users_id_fk" FOREIGN KEY ("opened_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;