CREATE TABLE "notice_scan_devices" (
	"notice_id" text NOT NULL,
	"day" date NOT NULL,
	"device" text NOT NULL,
	CONSTRAINT "notice_scan_devices_notice_id_day_device_pk" PRIMARY KEY("notice_id","day","device")
);
--> statement-breakpoint
ALTER TABLE "notice_scan_devices" ADD CONSTRAINT "notice_scan_devices_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;