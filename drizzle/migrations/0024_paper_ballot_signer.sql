-- A paper ballot signed by someone other than the owner: a proxy with a written 授权委托书
-- (指导规则 第26条), a guardian, a company's legal representative (《解释》第9条), each with the photo
-- of their document. Null: the owner. And an index for the short receipt code's lookup (its long
-- receipt's first 8 characters), which the public proof endpoint and the result page make.
-- The migrator runs in one transaction, so the index build and the check's scan hold writes to
-- ballots for the time of one pass over the table: deploy outside a vote's closing hours.
ALTER TABLE "ballots" ADD COLUMN "signed_as" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "signer_name" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "signer_document_sha256" text;--> statement-breakpoint
CREATE INDEX "ballots_receipt_prefix_idx" ON "ballots" USING btree ("poll_id",left("receipt", 8));--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_signer_ck" CHECK ((signed_as is null and signer_name is null and signer_document_sha256 is null) or (kind = 'paper' and signer_name is not null and signer_document_sha256 is not null));