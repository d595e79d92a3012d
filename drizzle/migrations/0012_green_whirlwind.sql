CREATE TABLE "credit_records" (
	"id" text PRIMARY KEY NOT NULL,
	"firm_id" text NOT NULL,
	"district" text NOT NULL,
	"category" text NOT NULL,
	"item" text NOT NULL,
	"points_centi" integer NOT NULL,
	"occurred_on" text NOT NULL,
	"expires_on" text,
	"serious_dishonesty" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"source_ref" text,
	"evidence" jsonb NOT NULL,
	"status" text NOT NULL,
	"entered_by" text,
	"entered_at" timestamp with time zone NOT NULL,
	"appeal" text,
	"appealed_by" text,
	"appealed_at" timestamp with time zone,
	"decision" text,
	"decision_note" text,
	"decided_by" text,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_entered_by_users_id_fk" FOREIGN KEY ("entered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_appealed_by_users_id_fk" FOREIGN KEY ("appealed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_records" ADD CONSTRAINT "credit_records_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_records_firm_idx" ON "credit_records" USING btree ("firm_id","district");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_records_source_uq" ON "credit_records" USING btree ("firm_id","district","source_ref");