-- The short receipt's index (0024) is led by the receipt's prefix, not by poll_id. Led by poll_id,
-- it was one more index that "this poll's ballots" can use, and a plan cached while a poll had few
-- ballots chose it for cast_ballot's read of one voter's ballots: every vote read every ballot of
-- the poll (issue 17, test/bench/RESULTS.md session 9). The proof lookup gives both columns.
CREATE INDEX "ballots_receipt_prefix_poll_idx" ON "ballots" USING btree (left("receipt", 8),"poll_id");--> statement-breakpoint
DROP INDEX "ballots_receipt_prefix_idx";
