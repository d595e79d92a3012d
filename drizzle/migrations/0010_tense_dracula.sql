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
ALTER TABLE "polls" ADD COLUMN "number" integer;--> statement-breakpoint
ALTER TABLE "oa_followers" ADD CONSTRAINT "oa_followers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oa_link_codes" ADD CONSTRAINT "oa_link_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "oa_followers_user_idx" ON "oa_followers" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "polls_number_uq" ON "polls" USING btree ("community_id","number");