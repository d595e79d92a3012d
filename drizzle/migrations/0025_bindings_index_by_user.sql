-- "This account's verified bindings in this compound" (the roles of every signed-in request, the
-- vote's electorate) is now a lookup by either index on bindings: with statistics taken before a
-- compound's owners verified, the planner chose the (community_id, status) index and read every
-- verified binding of the compound per vote (issue 17, test/bench/RESULTS.md session 9).
CREATE INDEX "bindings_community_status_user_idx" ON "bindings" USING btree ("community_id","status","user_id");--> statement-breakpoint
DROP INDEX "bindings_community_status_idx";
