CREATE TABLE "fee_items" (
	"id" text PRIMARY KEY NOT NULL,
	"firm_id" text NOT NULL,
	"community_id" text NOT NULL,
	"item" text NOT NULL,
	"payer" text NOT NULL,
	"basis" text NOT NULL,
	"rate_fen" bigint NOT NULL,
	"starts_on" date NOT NULL,
	"regime" text NOT NULL,
	"posted_by" text NOT NULL,
	"posted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "firm_profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"firm_id" text NOT NULL,
	"community_id" text NOT NULL,
	"content" jsonb NOT NULL,
	"posted_by" text NOT NULL,
	"posted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reference_prices" (
	"id" text PRIMARY KEY NOT NULL,
	"district" text NOT NULL,
	"service_grade" text NOT NULL,
	"item" text NOT NULL,
	"basis" text NOT NULL,
	"base_fen" bigint NOT NULL,
	"min_fen" bigint NOT NULL,
	"max_fen" bigint NOT NULL,
	"effective_from" date NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fee_items" ADD CONSTRAINT "fee_items_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_items" ADD CONSTRAINT "fee_items_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_items" ADD CONSTRAINT "fee_items_posted_by_users_id_fk" FOREIGN KEY ("posted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_profiles" ADD CONSTRAINT "firm_profiles_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_profiles" ADD CONSTRAINT "firm_profiles_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_profiles" ADD CONSTRAINT "firm_profiles_posted_by_users_id_fk" FOREIGN KEY ("posted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reference_prices" ADD CONSTRAINT "reference_prices_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fee_items_community_idx" ON "fee_items" USING btree ("community_id","item","starts_on");--> statement-breakpoint
CREATE INDEX "firm_profiles_community_idx" ON "firm_profiles" USING btree ("community_id","posted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reference_prices_uq" ON "reference_prices" USING btree ("district","service_grade","item","effective_from");