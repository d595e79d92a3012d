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
ALTER TABLE "firm_ratings" ADD CONSTRAINT "firm_ratings_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_ratings" ADD CONSTRAINT "firm_ratings_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_ratings" ADD CONSTRAINT "firm_ratings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "firm_ratings_voter_uq" ON "firm_ratings" USING btree ("community_id","firm_id","quarter","voter_key");--> statement-breakpoint
CREATE INDEX "firm_ratings_firm_idx" ON "firm_ratings" USING btree ("firm_id","quarter");