-- community_id on the tables added this session (notice scan devices, complaint events, counting
-- sessions, reminders), as 0016 did for the older ones: nullable, filled from the parent, NOT NULL.
ALTER TABLE "counting_sessions" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "notice_scan_devices" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "complaint_events" ADD COLUMN "community_id" text;
--> statement-breakpoint
ALTER TABLE "poll_reminders" ADD COLUMN "community_id" text;
--> statement-breakpoint
UPDATE counting_sessions c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE notice_scan_devices c SET community_id = n.community_id FROM notices n WHERE n.id = c.notice_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE complaint_events c SET community_id = k.community_id FROM complaints k WHERE k.id = c.complaint_id AND c.community_id IS NULL;
--> statement-breakpoint
UPDATE poll_reminders c SET community_id = p.community_id FROM polls p WHERE p.id = c.poll_id AND c.community_id IS NULL;
--> statement-breakpoint
ALTER TABLE "counting_sessions" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "notice_scan_devices" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "complaint_events" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "poll_reminders" ALTER COLUMN "community_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "counting_sessions" ADD CONSTRAINT "counting_sessions_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "notice_scan_devices" ADD CONSTRAINT "notice_scan_devices_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "poll_reminders" ADD CONSTRAINT "poll_reminders_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;
