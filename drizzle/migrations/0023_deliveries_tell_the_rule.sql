-- A non-voter is deemed to follow the majority only on proof that they were told what silence
-- means (指导规则 第26条; voting-rules.md). Deliveries the committee records (the ballot and its notice
-- handed over) say so; automatic notifications sent before this migration never did (an SMS carries
-- a title and a link, and no template carried the rule), so those (ids 'nt…', written by the outbox)
-- stay as records of reach but no longer let the tally deem anyone.
ALTER TABLE "deliveries" ADD COLUMN "tells_non_voter_rule" boolean DEFAULT true NOT NULL;
--> statement-breakpoint
UPDATE "deliveries" SET "tells_non_voter_rule" = false WHERE "id" LIKE 'nt%';
