CREATE TABLE "notice_scans" (
	"notice_id" text NOT NULL,
	"day" date NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "notice_scans_notice_id_day_pk" PRIMARY KEY("notice_id","day")
);
--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "contacts" jsonb;--> statement-breakpoint
ALTER TABLE "notice_scans" ADD CONSTRAINT "notice_scans_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;