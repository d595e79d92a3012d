-- A notice's page asks whether a newer version replaced it (supersedes_id): without this index
-- that read scans every compound's notices (bench:city: the notice page x2.8-3.8 at 5,000 compounds).
CREATE INDEX "notices_supersedes_idx" ON "notices" USING btree ("supersedes_id");
