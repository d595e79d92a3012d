CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"community_id" text,
	"actor_user_id" text,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"details" jsonb,
	"request_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "communities" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"district" text NOT NULL,
	"street" text NOT NULL,
	"residents_committee" text NOT NULL,
	"settings" jsonb NOT NULL,
	"current_roster_version_id" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "firm_contracts" (
	"id" text PRIMARY KEY NOT NULL,
	"firm_id" text NOT NULL,
	"community_id" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"service_grade" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "firms" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"uscc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "role_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"community_id" text,
	"firm_id" text,
	"district" text,
	"street" text,
	"residents_committee" text,
	"granted_by" text,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_by" text,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "otp_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"phone" text NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"family_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sms_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"phone" text NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"phone" text,
	"wechat_openid" text,
	"wechat_unionid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bindings" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"community_id" text NOT NULL,
	"unit_key" text NOT NULL,
	"claimed_name" text NOT NULL,
	"claimed_id_hash" text NOT NULL,
	"claimed_id_last4" text NOT NULL,
	"owner_key" text,
	"status" text NOT NULL,
	"reason" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "roster_owners" (
	"id" text PRIMARY KEY NOT NULL,
	"roster_version_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"name" text NOT NULL,
	"id_hash" text,
	"id_last4" text,
	"phone" text,
	"representative" boolean NOT NULL,
	"owner_key" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roster_units" (
	"id" text PRIMARY KEY NOT NULL,
	"roster_version_id" text NOT NULL,
	"community_id" text NOT NULL,
	"unit_key" text NOT NULL,
	"building" text NOT NULL,
	"unit_label" text NOT NULL,
	"room" text NOT NULL,
	"unit_type" text NOT NULL,
	"area_centi" bigint NOT NULL,
	"area_source" text NOT NULL,
	"developer_held" boolean NOT NULL,
	"voter_id" text
);
--> statement-breakpoint
CREATE TABLE "roster_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"version" integer NOT NULL,
	"source" text NOT NULL,
	"unit_count" integer NOT NULL,
	"voter_count" integer NOT NULL,
	"total_area_centi" bigint NOT NULL,
	"diff" jsonb,
	"imported_by" text,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roster_voters" (
	"id" text PRIMARY KEY NOT NULL,
	"roster_version_id" text NOT NULL,
	"community_id" text NOT NULL,
	"voter_key" text NOT NULL,
	"kind" text NOT NULL,
	"area_centi" bigint NOT NULL,
	"unit_count" integer NOT NULL,
	"representative_owner_key" text
);
--> statement-breakpoint
ALTER TABLE "communities" ADD CONSTRAINT "communities_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_contracts" ADD CONSTRAINT "firm_contracts_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_contracts" ADD CONSTRAINT "firm_contracts_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bindings" ADD CONSTRAINT "bindings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bindings" ADD CONSTRAINT "bindings_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bindings" ADD CONSTRAINT "bindings_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_owners" ADD CONSTRAINT "roster_owners_roster_version_id_roster_versions_id_fk" FOREIGN KEY ("roster_version_id") REFERENCES "public"."roster_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_owners" ADD CONSTRAINT "roster_owners_unit_id_roster_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."roster_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_units" ADD CONSTRAINT "roster_units_roster_version_id_roster_versions_id_fk" FOREIGN KEY ("roster_version_id") REFERENCES "public"."roster_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_units" ADD CONSTRAINT "roster_units_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_versions" ADD CONSTRAINT "roster_versions_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_versions" ADD CONSTRAINT "roster_versions_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_voters" ADD CONSTRAINT "roster_voters_roster_version_id_roster_versions_id_fk" FOREIGN KEY ("roster_version_id") REFERENCES "public"."roster_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_voters" ADD CONSTRAINT "roster_voters_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_community_idx" ON "audit_log" USING btree ("community_id","id");--> statement-breakpoint
CREATE INDEX "communities_jurisdiction_idx" ON "communities" USING btree ("district","street","residents_committee");--> statement-breakpoint
CREATE INDEX "firm_contracts_community_idx" ON "firm_contracts" USING btree ("community_id");--> statement-breakpoint
CREATE UNIQUE INDEX "firms_uscc_uq" ON "firms" USING btree ("uscc");--> statement-breakpoint
CREATE INDEX "role_grants_user_idx" ON "role_grants" USING btree ("user_id") WHERE revoked_at is null;--> statement-breakpoint
CREATE INDEX "role_grants_community_idx" ON "role_grants" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "otp_codes_phone_idx" ON "otp_codes" USING btree ("phone","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "refresh_tokens_hash_uq" ON "refresh_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "refresh_tokens_family_idx" ON "refresh_tokens" USING btree ("family_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_phone_uq" ON "users" USING btree ("phone");--> statement-breakpoint
CREATE UNIQUE INDEX "users_openid_uq" ON "users" USING btree ("wechat_openid");--> statement-breakpoint
CREATE UNIQUE INDEX "bindings_active_uq" ON "bindings" USING btree ("user_id","community_id","unit_key") WHERE status in ('verified', 'pending');--> statement-breakpoint
CREATE INDEX "bindings_community_status_idx" ON "bindings" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "roster_owners_unit_idx" ON "roster_owners" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "roster_owners_version_id_hash_idx" ON "roster_owners" USING btree ("roster_version_id","id_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "roster_units_version_key_uq" ON "roster_units" USING btree ("roster_version_id","unit_key");--> statement-breakpoint
CREATE INDEX "roster_units_voter_idx" ON "roster_units" USING btree ("voter_id");--> statement-breakpoint
CREATE UNIQUE INDEX "roster_versions_community_version_uq" ON "roster_versions" USING btree ("community_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "roster_voters_version_key_uq" ON "roster_voters" USING btree ("roster_version_id","voter_key");