CREATE TABLE "paper_issues" (
	"poll_id" text NOT NULL,
	"voter_id" text NOT NULL,
	"issued_by" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "paper_issues_poll_id_voter_id_pk" PRIMARY KEY("poll_id","voter_id")
);
--> statement-breakpoint
CREATE TABLE "poll_candidates" (
	"id" text PRIMARY KEY NOT NULL,
	"poll_id" text NOT NULL,
	"ordinal" integer NOT NULL,
	"name" text NOT NULL,
	"building" text,
	"unit_label" text,
	"statement" text,
	"firm_id" text,
	"bid" jsonb,
	"documents" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "marks" jsonb;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "spoiled_reason" text;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "kind" text DEFAULT 'single' NOT NULL;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "seats" integer;--> statement-breakpoint
ALTER TABLE "paper_issues" ADD CONSTRAINT "paper_issues_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_issues" ADD CONSTRAINT "paper_issues_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_candidates" ADD CONSTRAINT "poll_candidates_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "poll_candidates_ordinal_uq" ON "poll_candidates" USING btree ("poll_id","ordinal");