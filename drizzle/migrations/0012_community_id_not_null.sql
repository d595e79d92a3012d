ALTER TABLE "roster_owners" ALTER COLUMN "community_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "ballots" ALTER COLUMN "community_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "community_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "paper_issues" ALTER COLUMN "community_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_candidates" ALTER COLUMN "community_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_comments" ALTER COLUMN "community_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_events" ALTER COLUMN "community_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_results" ALTER COLUMN "community_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_voters" ALTER COLUMN "community_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "proxies" ALTER COLUMN "community_id" SET NOT NULL;