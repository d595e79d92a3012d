-- community_id on every tenant table (issue 17: distributable by compound on Citus). Added nullable,
-- filled from each row's parent, then made NOT NULL, so a database with data migrates too.
ALTER TABLE "roster_owners" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "paper_issues" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "poll_candidates" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "poll_comments" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "poll_events" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "poll_results" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "poll_voters" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "proxies" ADD COLUMN "community_id" text;
--> statement-breakpoint
-- Backfill of community_id on rows written before 0010 added it (issue 17: every tenant table
-- carries its compound, so the schema can be distributed by community_id on Citus). Each row takes
-- its parent's community; the column is then made NOT NULL below.
UPDATE poll_voters c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE ballots c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE proxies c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE deliveries c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE poll_events c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE poll_comments c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE poll_candidates c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE paper_issues c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
-- A published result is immutable (0009): the trigger steps aside for this one backfill only.
ALTER TABLE poll_results DISABLE TRIGGER poll_results_immutable;
--> statement-breakpoint
UPDATE poll_results c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
ALTER TABLE poll_results ENABLE TRIGGER poll_results_immutable;
--> statement-breakpoint
UPDATE roster_owners c SET community_id = v.community_id FROM roster_versions v WHERE v.id = c.roster_version_id AND c.community_id IS NULL;
--> statement-breakpoint
ALTER TABLE "roster_owners" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "ballots" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "paper_issues" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "poll_candidates" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "poll_comments" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "poll_events" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "poll_results" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "poll_voters" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "proxies" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "roster_owners" ADD CONSTRAINT "roster_owners_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "paper_issues" ADD CONSTRAINT "paper_issues_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "poll_candidates" ADD CONSTRAINT "poll_candidates_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "poll_comments" ADD CONSTRAINT "poll_comments_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "poll_events" ADD CONSTRAINT "poll_events_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "poll_results" ADD CONSTRAINT "poll_results_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "poll_voters" ADD CONSTRAINT "poll_voters_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
