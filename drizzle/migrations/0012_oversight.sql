CREATE TABLE "complaint_events" (
	"id" text PRIMARY KEY NOT NULL,
	"complaint_id" text NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"desk" text,
	"actor_user_id" text,
	"actor_role" text NOT NULL,
	"note" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" text PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"firm_id" text,
	"complainant_user_id" text NOT NULL,
	"complainant_unit_key" text NOT NULL,
	"hidden_from_firm" boolean NOT NULL,
	"category" text NOT NULL,
	"urgency" text NOT NULL,
	"body" text NOT NULL,
	"photos" jsonb NOT NULL,
	"place" text NOT NULL,
	"desk" text,
	"status" text NOT NULL,
	"escalation" integer DEFAULT 0 NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"dispatched_at" timestamp with time zone NOT NULL,
	"first_contact_by" timestamp with time zone NOT NULL,
	"resolve_by" timestamp with time zone NOT NULL,
	"send_back_by" timestamp with time zone NOT NULL,
	"street_by" timestamp with time zone,
	"contacted_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"review_by" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"contacted_on_time" boolean,
	"resolved_on_time" boolean,
	"satisfied" boolean,
	"reopen_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"district" text NOT NULL,
	"quarter" text NOT NULL,
	"scheme_id" text NOT NULL,
	"as_of" text NOT NULL,
	"entries" jsonb NOT NULL,
	"status" text NOT NULL,
	"computed_by" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"published_by" text,
	"published_at" timestamp with time zone,
	"notice_codes" jsonb
);
--> statement-breakpoint
CREATE TABLE "credit_records" (
	"id" text PRIMARY KEY NOT NULL,
	"firm_id" text NOT NULL,
	"district" text NOT NULL,
	"category" text NOT NULL,
	"item" text NOT NULL,
	"points_centi" integer NOT NULL,
	"occurred_on" text NOT NULL,
	"expires_on" text,
	"serious_dishonesty" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"source_ref" text,
	"evidence" jsonb NOT NULL,
	"status" text NOT NULL,
	"entered_by" text,
	"entered_at" timestamp with time zone NOT NULL,
	"appeal" text,
	"appealed_by" text,
	"appealed_at" timestamp with time zone,
	"decision" text,
	"decision_note" text,
	"decided_by" text,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "firm_ratings" (
	"id" text PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"firm_id" text NOT NULL,
	"quarter" text NOT NULL,
	"voter_key" text NOT NULL,
	"user_id" text NOT NULL,
	"scores" jsonb NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "role_grants" ADD COLUMN "department" text;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_complainant_user_id_users_id_fk" FOREIGN KEY ("complainant_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_lists" ADD CONSTRAINT "credit_lists_computed_by_users_id_fk" FOREIGN KEY ("computed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_lists" ADD CONSTRAINT "credit_lists_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_entered_by_users_id_fk" FOREIGN KEY ("entered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_appealed_by_users_id_fk" FOREIGN KEY ("appealed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_ratings" ADD CONSTRAINT "firm_ratings_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_ratings" ADD CONSTRAINT "firm_ratings_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_ratings" ADD CONSTRAINT "firm_ratings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_events_seq_uq" ON "complaint_events" USING btree ("complaint_id","seq");--> statement-breakpoint
CREATE INDEX "complaints_community_idx" ON "complaints" USING btree ("community_id","filed_at");--> statement-breakpoint
CREATE INDEX "complaints_firm_idx" ON "complaints" USING btree ("firm_id","filed_at");--> statement-breakpoint
CREATE INDEX "complaints_open_idx" ON "complaints" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_lists_quarter_uq" ON "credit_lists" USING btree ("district","quarter");--> statement-breakpoint
CREATE INDEX "credit_records_firm_idx" ON "credit_records" USING btree ("firm_id","district");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_records_source_uq" ON "credit_records" USING btree ("firm_id","district","source_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "firm_ratings_voter_uq" ON "firm_ratings" USING btree ("community_id","firm_id","quarter","voter_key");--> statement-breakpoint
CREATE INDEX "firm_ratings_firm_idx" ON "firm_ratings" USING btree ("firm_id","quarter");