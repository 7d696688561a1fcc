-- Unique values claimed by streams (an e-mail address by a user's stream), per declared unique
-- constraint. Claims are written in the transaction of the append whose event claims them, so
-- the primary key, not a read before the write, decides which of two concurrent claims wins.
CREATE TABLE IF NOT EXISTS unique_claims (
  constraint_name text        NOT NULL,
  value           text        NOT NULL,
  owner_stream_id text        NOT NULL,
  claimed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (constraint_name, value)
);
-- Releasing "everything this stream holds" and the one-value-per-owner rule look claims up by owner.
CREATE INDEX IF NOT EXISTS unique_claims_owner ON unique_claims (constraint_name, owner_stream_id);

-- Constraints whose claims were backfilled from the log once, when first declared.
CREATE TABLE IF NOT EXISTS unique_constraints (
  name          text        PRIMARY KEY,
  backfilled_at timestamptz NOT NULL DEFAULT now()
);

-- Claims p_value for p_owner and returns the value's holder afterwards. A value held by another
-- stream raises SQLSTATE SU001 (holder in DETAIL) when p_strict: the error aborts the whole
-- transaction, so events written before it cannot commit even if the caller swallows it.
-- ON CONFLICT DO UPDATE waits for a concurrent claimer's transaction and then locks the row it
-- returns, so the answer is decided by the database. The shared advisory lock waits while the
-- constraint is being backfilled (which takes it exclusively); its key names the schema, as
-- advisory locks are shared by the whole database.
CREATE OR REPLACE FUNCTION strata_claim_unique(
  p_constraint text, p_value text, p_owner text, p_one_per_owner boolean, p_strict boolean)
RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
  holder text;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext('strata.unique.' || current_schema() || '.' || p_constraint));
  INSERT INTO unique_claims AS claim (constraint_name, value, owner_stream_id)
  VALUES (p_constraint, p_value, p_owner)
  ON CONFLICT (constraint_name, value)
    DO UPDATE SET owner_stream_id = claim.owner_stream_id
  RETURNING claim.owner_stream_id INTO holder;
  IF holder <> p_owner THEN
    IF p_strict THEN
      RAISE EXCEPTION 'unique value taken' USING ERRCODE = 'SU001', DETAIL = holder;
    END IF;
    RETURN holder;
  END IF;
  IF p_one_per_owner THEN
    DELETE FROM unique_claims
     WHERE constraint_name = p_constraint AND owner_stream_id = p_owner AND value <> p_value;
  END IF;
  RETURN holder;
END
$fn$;

-- Releases p_owner's claims: those of p_values, or all of them when p_values is NULL.
CREATE OR REPLACE FUNCTION strata_release_unique(
  p_constraint text, p_owner text, p_values text[])
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext('strata.unique.' || current_schema() || '.' || p_constraint));
  DELETE FROM unique_claims
   WHERE constraint_name = p_constraint AND owner_stream_id = p_owner
     AND (p_values IS NULL OR value = ANY (p_values));
END
$fn$;
