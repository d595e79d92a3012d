CREATE TABLE "oa_nonces" (
	"key" text PRIMARY KEY NOT NULL,
	"body_sha256" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
