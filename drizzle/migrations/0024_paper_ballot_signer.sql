-- A paper ballot signed by someone other than the owner: a proxy with a written 授权委托书
-- (指导规则 第26条), a guardian, a company's legal representative (《解释》第9条). Null: the owner.
ALTER TABLE "ballots" ADD COLUMN "signed_as" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "signer_name" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "signer_document_sha256" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_signer_ck" CHECK ((signed_as is null and signer_name is null and signer_document_sha256 is null) or (kind = 'paper' and signer_name is not null));