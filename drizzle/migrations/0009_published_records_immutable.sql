-- A published statement and a published result never change (disclosure.md; voting-rules.md):
-- a correction is a new row. The database refuses an UPDATE or DELETE even from the application.
CREATE OR REPLACE FUNCTION published_record_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is immutable once published (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER statements_immutable BEFORE UPDATE OR DELETE ON statements
  FOR EACH ROW EXECUTE FUNCTION published_record_immutable();
--> statement-breakpoint
CREATE TRIGGER poll_results_immutable BEFORE UPDATE OR DELETE ON poll_results
  FOR EACH ROW EXECUTE FUNCTION published_record_immutable();
