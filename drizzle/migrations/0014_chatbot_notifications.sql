CREATE TABLE "oa_followers" (
	"openid" text PRIMARY KEY NOT NULL,
	"user_id" text,
	"subscribed" boolean DEFAULT true NOT NULL,
	"subscribed_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone,
	"last_inbound_at" timestamp with time zone,
	"pending_vote" jsonb,
	"linked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "oa_inbound" (
	"key" text PRIMARY KEY NOT NULL,
	"openid" text NOT NULL,
	"reply" text,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oa_link_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notification_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"user_id" text NOT NULL,
	"community_id" text NOT NULL,
	"poll_id" text,
	"voter_id" text,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"payload" jsonb NOT NULL,
	"owner_acted" boolean DEFAULT false NOT NULL,
	"actor_user_id" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"errcode" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_reminders" (
	"id" text PRIMARY KEY NOT NULL,
	"poll_id" text NOT NULL,
	"hours_before_close" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"ran_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "number" integer;--> statement-breakpoint
ALTER TABLE "oa_followers" ADD CONSTRAINT "oa_followers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oa_link_codes" ADD CONSTRAINT "oa_link_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD CONSTRAINT "notification_outbox_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD CONSTRAINT "notification_outbox_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD CONSTRAINT "notification_outbox_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD CONSTRAINT "notification_outbox_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_reminders" ADD CONSTRAINT "poll_reminders_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_reminders" ADD CONSTRAINT "poll_reminders_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "oa_followers_user_idx" ON "oa_followers" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_outbox_dedupe_uq" ON "notification_outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "notification_outbox_due_idx" ON "notification_outbox" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "notification_outbox_poll_idx" ON "notification_outbox" USING btree ("poll_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "poll_reminders_uq" ON "poll_reminders" USING btree ("poll_id","hours_before_close");--> statement-breakpoint
CREATE INDEX "poll_reminders_due_idx" ON "poll_reminders" USING btree ("due_at") WHERE status = 'scheduled';--> statement-breakpoint
CREATE UNIQUE INDEX "polls_number_uq" ON "polls" USING btree ("community_id","number");