-- Backfill of community_id on rows written before 0010 added it (issue 17: every tenant table
-- carries its compound, so the schema can be distributed by community_id on Citus). Each row takes
-- its parent's community; 0012 then makes the column NOT NULL.
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
