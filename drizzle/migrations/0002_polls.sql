CREATE TABLE "ballots" (
	"id" text PRIMARY KEY NOT NULL,
	"poll_id" text NOT NULL,
	"voter_id" text NOT NULL,
	"version" integer NOT NULL,
	"choice" text NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"current" boolean NOT NULL,
	"cast_by_user_id" text NOT NULL,
	"proxy_id" text,
	"paper_photo_sha256" text,
	"receipt" text NOT NULL,
	"idempotency_key" text,
	"request_hash" text NOT NULL,
	"cast_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"disputed_at" timestamp with time zone,
	"dispute_reason" text
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"poll_id" text NOT NULL,
	"voter_id" text NOT NULL,
	"method" text NOT NULL,
	"evidence_sha256" text,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_comments" (
	"id" text PRIMARY KEY NOT NULL,
	"poll_id" text NOT NULL,
	"parent_id" text,
	"author_user_id" text NOT NULL,
	"author_role" text NOT NULL,
	"author_label" text NOT NULL,
	"body" text NOT NULL,
	"hidden_at" timestamp with time zone,
	"hidden_by" text,
	"hidden_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_events" (
	"id" text PRIMARY KEY NOT NULL,
	"poll_id" text NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"details" jsonb,
	"actor_user_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_results" (
	"poll_id" text PRIMARY KEY NOT NULL,
	"document" jsonb NOT NULL,
	"jws" text NOT NULL,
	"merkle_root" text NOT NULL,
	"leaves" jsonb NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_voters" (
	"poll_id" text NOT NULL,
	"voter_id" text NOT NULL,
	"area_centi" bigint NOT NULL,
	"unit_count" integer NOT NULL,
	"kind" text NOT NULL,
	"representative_owner_key" text,
	"unit_labels" text NOT NULL,
	"masked_name" text NOT NULL,
	CONSTRAINT "poll_voters_poll_id_voter_id_pk" PRIMARY KEY("poll_id","voter_id")
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" text PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"attachments" jsonb NOT NULL,
	"matter" text NOT NULL,
	"approval_class" text NOT NULL,
	"classified_by" text NOT NULL,
	"scope_buildings" jsonb,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"original_closes_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"announced_at" timestamp with time zone,
	"notice_override_reason" text,
	"roster_version_id" text,
	"settings" jsonb,
	"text_hash" text,
	"total_area_centi" bigint,
	"total_voters" integer,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"closed_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proxies" (
	"id" text PRIMARY KEY NOT NULL,
	"poll_id" text NOT NULL,
	"voter_id" text NOT NULL,
	"grantor_user_id" text NOT NULL,
	"proxy_user_id" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_cast_by_user_id_users_id_fk" FOREIGN KEY ("cast_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_comments" ADD CONSTRAINT "poll_comments_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_comments" ADD CONSTRAINT "poll_comments_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_comments" ADD CONSTRAINT "poll_comments_hidden_by_users_id_fk" FOREIGN KEY ("hidden_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_events" ADD CONSTRAINT "poll_events_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_events" ADD CONSTRAINT "poll_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_results" ADD CONSTRAINT "poll_results_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_voters" ADD CONSTRAINT "poll_voters_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_classified_by_users_id_fk" FOREIGN KEY ("classified_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_roster_version_id_roster_versions_id_fk" FOREIGN KEY ("roster_version_id") REFERENCES "public"."roster_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_grantor_user_id_users_id_fk" FOREIGN KEY ("grantor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_proxy_user_id_users_id_fk" FOREIGN KEY ("proxy_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_current_uq" ON "ballots" USING btree ("poll_id","voter_id","kind") WHERE current;--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_receipt_uq" ON "ballots" USING btree ("receipt");--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_idempotency_uq" ON "ballots" USING btree ("poll_id","cast_by_user_id","idempotency_key") WHERE idempotency_key is not null;--> statement-breakpoint
CREATE INDEX "ballots_poll_idx" ON "ballots" USING btree ("poll_id","voter_id");--> statement-breakpoint
CREATE INDEX "deliveries_poll_idx" ON "deliveries" USING btree ("poll_id","voter_id");--> statement-breakpoint
CREATE INDEX "poll_comments_poll_idx" ON "poll_comments" USING btree ("poll_id","created_at");--> statement-breakpoint
CREATE INDEX "poll_events_poll_idx" ON "poll_events" USING btree ("poll_id","at");--> statement-breakpoint
CREATE INDEX "poll_voters_rep_idx" ON "poll_voters" USING btree ("poll_id","representative_owner_key");--> statement-breakpoint
CREATE INDEX "polls_community_idx" ON "polls" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "proxies_voter_active_uq" ON "proxies" USING btree ("poll_id","voter_id") WHERE status <> 'revoked';--> statement-breakpoint
CREATE INDEX "proxies_proxy_idx" ON "proxies" USING btree ("poll_id","proxy_user_id");