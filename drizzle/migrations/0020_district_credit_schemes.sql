-- A district's own credit scheme (issue 15): the housing department publishes its numbers for a
-- preset with the document they come from; every version is kept, and a good/bad list names the
-- version it was computed with (credit_lists.district_scheme_id; null: the preset's own numbers).
CREATE TABLE "district_credit_schemes" (
	"id" text PRIMARY KEY NOT NULL,
	"district" text NOT NULL,
	"version" integer NOT NULL,
	"based_on" text NOT NULL,
	"params" jsonb NOT NULL,
	"source" text NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credit_lists" ADD COLUMN "district_scheme_id" text;--> statement-breakpoint
ALTER TABLE "district_credit_schemes" ADD CONSTRAINT "district_credit_schemes_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "district_credit_schemes_version_uq" ON "district_credit_schemes" USING btree ("district","version");--> statement-breakpoint
ALTER TABLE "credit_lists" ADD CONSTRAINT "credit_lists_district_scheme_id_district_credit_schemes_id_fk" FOREIGN KEY ("district_scheme_id") REFERENCES "public"."district_credit_schemes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- a published version never changes: a new one is published instead, and lists computed under an older one keep it
CREATE TRIGGER district_credit_schemes_immutable BEFORE UPDATE OR DELETE ON district_credit_schemes
  FOR EACH ROW EXECUTE FUNCTION published_record_immutable();
