ALTER TABLE "roster_owners" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "paper_issues" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "poll_candidates" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "poll_comments" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "poll_events" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "poll_results" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "poll_voters" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "proxies" ADD COLUMN "community_id" text;--> statement-breakpoint
ALTER TABLE "roster_owners" ADD CONSTRAINT "roster_owners_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_issues" ADD CONSTRAINT "paper_issues_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_candidates" ADD CONSTRAINT "poll_candidates_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_comments" ADD CONSTRAINT "poll_comments_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_events" ADD CONSTRAINT "poll_events_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_results" ADD CONSTRAINT "poll_results_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_voters" ADD CONSTRAINT "poll_voters_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;