CREATE TABLE "credit_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"district" text NOT NULL,
	"quarter" text NOT NULL,
	"scheme_id" text NOT NULL,
	"as_of" text NOT NULL,
	"entries" jsonb NOT NULL,
	"status" text NOT NULL,
	"computed_by" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"published_by" text,
	"published_at" timestamp with time zone,
	"notice_codes" jsonb
);
--> statement-breakpoint
ALTER TABLE "credit_lists" ADD CONSTRAINT "credit_lists_computed_by_users_id_fk" FOREIGN KEY ("computed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_lists" ADD CONSTRAINT "credit_lists_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_lists_quarter_uq" ON "credit_lists" USING btree ("district","quarter");