-- Areas as registered (《解释》第8条, issue 13): a register may give 95.363 m² or 120.1234 m². Areas
-- are kept in ten-thousandths of m² (area_e4) with the decimals they were written with
-- (area_scale, 0–4), so they sum exactly and print as registered. Every area held so far was
-- read with two decimals: ×100, scale 2. The frozen electorates of polls (poll_voters, polls) are
-- converted the same way; signed results (poll_results) are never rewritten: they keep the
-- areaCenti they were signed with, and their readers understand both.
ALTER TABLE "roster_units" ADD COLUMN "area_e4" bigint;--> statement-breakpoint
ALTER TABLE "roster_units" ADD COLUMN "area_scale" smallint;--> statement-breakpoint
UPDATE "roster_units" SET "area_e4" = "area_centi" * 100, "area_scale" = 2;--> statement-breakpoint
ALTER TABLE "roster_units" ALTER COLUMN "area_e4" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "roster_units" ALTER COLUMN "area_scale" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "roster_units" DROP COLUMN "area_centi";--> statement-breakpoint
ALTER TABLE "roster_voters" ADD COLUMN "area_e4" bigint;--> statement-breakpoint
ALTER TABLE "roster_voters" ADD COLUMN "area_scale" smallint;--> statement-breakpoint
UPDATE "roster_voters" SET "area_e4" = "area_centi" * 100, "area_scale" = 2;--> statement-breakpoint
ALTER TABLE "roster_voters" ALTER COLUMN "area_e4" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "roster_voters" ALTER COLUMN "area_scale" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "roster_voters" DROP COLUMN "area_centi";--> statement-breakpoint
ALTER TABLE "roster_versions" ADD COLUMN "total_area_e4" bigint;--> statement-breakpoint
ALTER TABLE "roster_versions" ADD COLUMN "area_scale" smallint;--> statement-breakpoint
UPDATE "roster_versions" SET "total_area_e4" = "total_area_centi" * 100, "area_scale" = 2;--> statement-breakpoint
-- the stored differences between versions name areas the same way as the API now does
UPDATE "roster_versions" SET "diff" = jsonb_set("diff", '{areaChanged}', (
  SELECT coalesce(jsonb_agg(jsonb_build_object(
    'unitKey', c->'unitKey',
    'from', ((c->>'fromCenti')::numeric / 100)::numeric(20, 2)::text,
    'to', ((c->>'toCenti')::numeric / 100)::numeric(20, 2)::text,
    'fromE4', (c->>'fromCenti')::bigint * 100,
    'toE4', (c->>'toCenti')::bigint * 100) ORDER BY n), '[]'::jsonb)
  FROM jsonb_array_elements("diff"->'areaChanged') WITH ORDINALITY AS a(c, n)))
  WHERE "diff" IS NOT NULL AND jsonb_typeof("diff"->'areaChanged') = 'array';--> statement-breakpoint
ALTER TABLE "roster_versions" ALTER COLUMN "total_area_e4" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "roster_versions" ALTER COLUMN "area_scale" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "roster_versions" DROP COLUMN "total_area_centi";--> statement-breakpoint
ALTER TABLE "poll_voters" ADD COLUMN "area_e4" bigint;--> statement-breakpoint
ALTER TABLE "poll_voters" ADD COLUMN "area_scale" smallint;--> statement-breakpoint
UPDATE "poll_voters" SET "area_e4" = "area_centi" * 100, "area_scale" = 2;--> statement-breakpoint
ALTER TABLE "poll_voters" ALTER COLUMN "area_e4" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_voters" ALTER COLUMN "area_scale" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_voters" DROP COLUMN "area_centi";--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "total_area_e4" bigint;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "area_scale" smallint;--> statement-breakpoint
UPDATE "polls" SET "total_area_e4" = "total_area_centi" * 100, "area_scale" = 2 WHERE "total_area_centi" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "polls" DROP COLUMN "total_area_centi";
