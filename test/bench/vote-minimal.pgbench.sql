-- The least database work one vote needs (issue 17's baseline, ../../../shared/stack.md): a ballot
-- row and its audit row, in one transaction. Run by test/bench/vote-http.bench.ts with
--   pgbench -n -M prepared -f test/bench/vote-minimal.pgbench.sql -D pid=<poll> -D cid=<community> -D uid=<user> <database>
-- (-M prepared: the variables are parameters, and each statement is parsed once per connection.)
\set n random(1, 1000000000000)
BEGIN;
INSERT INTO ballots (id, poll_id, community_id, voter_id, version, choice, channel, kind, current, cast_by_user_id, receipt, request_hash)
  VALUES ('pgb-' || :n::text, :pid::text, :cid::text, 'pgb-' || :n::text, 1, 'agree', 'app', 'electronic', true, :uid::text, 'pgb-' || :n::text, 'pgbench');
INSERT INTO audit_log (community_id, actor_user_id, action, subject_type, subject_id, details)
  VALUES (:cid::text, :uid::text, 'ballot.cast', 'ballot', 'pgb-' || :n::text, jsonb_build_object('pollId', :pid::text, 'voterId', 'pgb-' || :n::text, 'channel', 'app', 'version', 1));
END;
