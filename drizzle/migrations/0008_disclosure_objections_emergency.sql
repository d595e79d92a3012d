CREATE TABLE "emergency_uses" (
	"id" text PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"hazard" text NOT NULL,
	"works" text NOT NULL,
	"contractor" text,
	"estimated_fen" bigint NOT NULL,
	"status" text NOT NULL,
	"approved_by" text NOT NULL,
	"approved_at" timestamp with time zone NOT NULL,
	"confirmed_by" text,
	"confirmed_at" timestamp with time zone,
	"actual_fen" bigint,
	"review" text,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "statement_objections" (
	"id" text PRIMARY KEY NOT NULL,
	"statement_id" text NOT NULL,
	"community_id" text NOT NULL,
	"line" integer,
	"body" text NOT NULL,
	"author_user_id" text NOT NULL,
	"author_label" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"answer" text,
	"answered_by" text,
	"answerer_label" text,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "statement_id" text;--> statement-breakpoint
ALTER TABLE "emergency_uses" ADD CONSTRAINT "emergency_uses_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_uses" ADD CONSTRAINT "emergency_uses_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_uses" ADD CONSTRAINT "emergency_uses_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emergency_uses" ADD CONSTRAINT "emergency_uses_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_objections" ADD CONSTRAINT "statement_objections_statement_id_statements_id_fk" FOREIGN KEY ("statement_id") REFERENCES "public"."statements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_objections" ADD CONSTRAINT "statement_objections_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_objections" ADD CONSTRAINT "statement_objections_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statement_objections" ADD CONSTRAINT "statement_objections_answered_by_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "emergency_uses_community_idx" ON "emergency_uses" USING btree ("community_id","approved_at");--> statement-breakpoint
CREATE INDEX "statement_objections_statement_idx" ON "statement_objections" USING btree ("statement_id","created_at");--> statement-breakpoint
CREATE INDEX "statement_objections_community_idx" ON "statement_objections" USING btree ("community_id","answered_at");--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_statement_id_statements_id_fk" FOREIGN KEY ("statement_id") REFERENCES "public"."statements"("id") ON DELETE no action ON UPDATE no action;