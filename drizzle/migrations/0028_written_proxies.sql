ALTER TABLE "proxies" ALTER COLUMN "grantor_user_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "proxies" ADD COLUMN "written_document_sha256" text;--> statement-breakpoint
ALTER TABLE "proxies" ADD COLUMN "recorded_by_user_id" text;--> statement-breakpoint
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_recorded_by_user_id_users_id_fk" FOREIGN KEY ("recorded_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_named_or_written" CHECK ((grantor_user_id is null) = (written_document_sha256 is not null and recorded_by_user_id is not null));
--> statement-breakpoint
-- cast_ballot as in 0022_cast_ballot_function.sql (whose header explains it), with one change: a
-- written proxy (proxies.grantor_user_id null, recorded by the committee from the signed
-- 授权委托书) has no grantor account whose binding could be checked, and stands on its document.
CREATE OR REPLACE FUNCTION cast_ballot(
  p_poll_id text,
  p_community_id text,
  p_voter_id text,
  p_kind text,
  p_cast_by text,
  p_idempotency_key text,
  p_request_hash text,
  -- the authoritative clock's instant (the tests'); null: the database's clock after the locks
  p_now timestamptz,
  p_id text,
  p_receipt text,
  p_choice text,
  p_marks jsonb,
  p_spoiled_reason text,
  p_channel text,
  p_proxy_id text,
  p_owner_casting boolean,
  p_paper_photo_sha256 text,
  p_actor_user_id text,
  p_request_id text
) RETURNS TABLE (
  o_outcome text,
  o_detail text,
  o_receipt text,
  o_voter_id text,
  o_version integer,
  o_choice text,
  o_marks jsonb,
  o_channel text,
  o_cast_at timestamptz
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_now timestamptz;
  v_settings jsonb;
  v_community_id text;
  v_open boolean;
  v_last_version integer;
  v_previous_id text;
  v_replay_id text;
  v_proxy_status text;
  v_grantor_verified boolean;
  v_ballot ballots%ROWTYPE;
BEGIN
  -- The poll SHARED (closing takes it exclusively: a ballot commits wholly before the count or is
  -- refused after it), then the voter EXCLUSIVE (parallel submissions for one voter queue up and
  -- exactly one stands). A select list is evaluated left to right. The keys are lockPollForClose's.
  PERFORM pg_advisory_xact_lock_shared(1, hashtext(p_poll_id)), pg_advisory_xact_lock(2, hashtext(p_poll_id || ':' || p_voter_id));
  v_now := coalesce(p_now, clock_timestamp());

  SELECT p.settings, p.community_id,
         (p.status = 'announced' and v_now >= p.opens_at and v_now < p.closes_at),
         (select max(b.version) from ballots b where b.poll_id = p.id and b.voter_id = p_voter_id),
         (select b.id from ballots b where b.poll_id = p.id and b.voter_id = p_voter_id and b.kind = p_kind and b.current),
         (select b.id from ballots b where b.poll_id = p.id and b.cast_by_user_id = p_cast_by and b.idempotency_key = p_idempotency_key)
    INTO v_settings, v_community_id, v_open, v_last_version, v_previous_id, v_replay_id
    FROM polls p WHERE p.id = p_poll_id;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'NOT_FOUND'::text, null::text, null::text, null::text, null::integer, null::text, null::jsonb, null::text, null::timestamptz;
    RETURN;
  END IF;

  -- a retry on a bad network gets the ballot it already cast, even after the close; the same key
  -- with a different ballot is refused
  IF v_replay_id IS NOT NULL THEN
    SELECT * INTO v_ballot FROM ballots WHERE id = v_replay_id;
    IF v_ballot.request_hash IS DISTINCT FROM p_request_hash THEN
      RETURN QUERY SELECT 'IDEMPOTENCY_CONFLICT'::text, null::text, null::text, null::text, null::integer, null::text, null::jsonb, null::text, null::timestamptz;
      RETURN;
    END IF;
    RETURN QUERY SELECT 'replayed'::text, null::text, v_ballot.receipt, v_ballot.voter_id, v_ballot.version, v_ballot.choice, v_ballot.marks, v_ballot.channel, v_ballot.cast_at;
    RETURN;
  END IF;

  IF NOT v_open THEN
    RETURN QUERY SELECT 'POLL_NOT_OPEN'::text, null::text, null::text, null::text, null::integer, null::text, null::jsonb, null::text, null::timestamptz;
    RETURN;
  END IF;

  -- 指导规则 第26条: a proxy speaks only while it stands and its grantor is still a verified owner
  -- acting for this voter, checked under the voter's lock (a revocation or an ended binding cannot
  -- interleave). A written proxy the committee recorded (no grantor account) stands on its signed
  -- document until the committee or the owner's own ballot ends it.
  IF p_proxy_id IS NOT NULL THEN
    SELECT px.status, px.grantor_user_id IS NULL OR exists (
             select 1 from poll_voters pv join bindings b on b.owner_key = pv.representative_owner_key
             where pv.poll_id = px.poll_id and pv.voter_id = px.voter_id
               and b.user_id = px.grantor_user_id and b.community_id = p_community_id and b.status = 'verified')
      INTO v_proxy_status, v_grantor_verified
      FROM proxies px WHERE px.id = p_proxy_id AND px.poll_id = p_poll_id AND px.voter_id = p_voter_id;
    IF NOT FOUND OR v_proxy_status = 'revoked' THEN
      RETURN QUERY SELECT 'PROXY_NOT_ACTIVE'::text, v_proxy_status, null::text, null::text, null::integer, null::text, null::jsonb, null::text, null::timestamptz;
      RETURN;
    END IF;
    IF NOT v_grantor_verified THEN
      RETURN QUERY SELECT 'PROXY_NOT_ACTIVE'::text, 'grantor_not_verified'::text, null::text, null::text, null::integer, null::text, null::jsonb, null::text, null::timestamptz;
      RETURN;
    END IF;
  END IF;

  -- the community's rule "the first ballot is final" (shared/community.ts revotePolicy; its
  -- default, change_until_close, is what an absent setting means here too)
  IF v_previous_id IS NOT NULL AND v_settings->>'revotePolicy' = 'first_final' THEN
    RETURN QUERY SELECT 'BALLOT_FINAL'::text, null::text, null::text, null::text, null::integer, null::text, null::jsonb, null::text, null::timestamptz;
    RETURN;
  END IF;

  -- the previous standing ballot of this kind steps down before the insert, so the partial unique
  -- index on standing ballots never sees two
  IF v_previous_id IS NOT NULL THEN
    UPDATE ballots SET current = false WHERE id = v_previous_id;
  END IF;
  INSERT INTO ballots (id, poll_id, community_id, voter_id, version, choice, marks, spoiled_reason, channel, kind, current,
                       cast_by_user_id, proxy_id, paper_photo_sha256, receipt, idempotency_key, request_hash, cast_at)
    VALUES (p_id, p_poll_id, v_community_id, p_voter_id, coalesce(v_last_version, 0) + 1, p_choice, p_marks, p_spoiled_reason, p_channel, p_kind, true,
            p_cast_by, p_proxy_id, p_paper_photo_sha256, p_receipt, p_idempotency_key, p_request_hash, v_now)
    RETURNING * INTO v_ballot;

  -- a proxy's ballot uses its proxy up; the owner voting in person ends their proxy, used or not,
  -- so it can never replace the owner's own ballot
  IF p_proxy_id IS NOT NULL THEN
    UPDATE proxies SET status = 'used', ended_at = v_now WHERE id = p_proxy_id AND status = 'active';
  ELSIF p_owner_casting THEN
    UPDATE proxies SET status = 'revoked', ended_at = v_now WHERE poll_id = p_poll_id AND voter_id = p_voter_id AND status IN ('active', 'used');
  END IF;

  -- the audit row, without the choice: the split stays secret while the poll is open
  INSERT INTO audit_log (community_id, actor_user_id, action, subject_type, subject_id, details, request_id)
    VALUES (p_community_id, p_actor_user_id, 'ballot.cast', 'ballot', v_ballot.id,
            jsonb_build_object('pollId', p_poll_id, 'voterId', p_voter_id, 'channel', p_channel, 'version', v_ballot.version), p_request_id);

  RETURN QUERY SELECT 'cast'::text, null::text, v_ballot.receipt, v_ballot.voter_id, v_ballot.version, v_ballot.choice, v_ballot.marks, v_ballot.channel, v_ballot.cast_at;
END;
$$;
