ALTER TABLE "paper_issues" ADD COLUMN "seq" integer;--> statement-breakpoint
-- Paper ballots issued before ballot numbers existed are numbered in the order they were issued.
UPDATE paper_issues pi SET seq = x.rn
FROM (SELECT poll_id, voter_id, row_number() OVER (PARTITION BY poll_id ORDER BY issued_at, voter_id) AS rn FROM paper_issues) x
WHERE x.poll_id = pi.poll_id AND x.voter_id = pi.voter_id;--> statement-breakpoint
ALTER TABLE "paper_issues" ALTER COLUMN "seq" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "paper_issues_seq_uq" ON "paper_issues" USING btree ("poll_id","seq");
