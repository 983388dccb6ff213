-- The request engine's rules, held by the database as well as by src/modules/requests/service.ts.
--
-- (a) Values, documents and the signature change only while the request is a draft or in comments.
-- A deletion is let through when the parent request is no longer found: that is the cascade of
-- deleting a draft (the parent row is already gone when the cascade reaches its children).
CREATE FUNCTION request_part_check_state() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  checked uuid;
  parent_state request_state;
BEGIN
  IF TG_OP = 'INSERT' THEN
    checked := NEW.request_id;
  ELSE
    checked := OLD.request_id;
  END IF;
  SELECT state INTO parent_state FROM request WHERE id = checked;
  IF NOT FOUND THEN
    -- A cascade from the deleted request, or an insert the foreign key refuses.
    RETURN COALESCE(NEW, OLD);
  END IF;
  IF parent_state NOT IN ('draft', 'commented') THEN
    RAISE EXCEPTION '%: % refused, request % is % (only a draft or a request in comments changes)', TG_TABLE_NAME, TG_OP, checked, parent_state
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.request_id IS DISTINCT FROM OLD.request_id THEN
    RAISE EXCEPTION '%: moving a row to another request is refused', TG_TABLE_NAME USING ERRCODE = 'check_violation';
  END IF;
  RETURN COALESCE(NEW, OLD);
END;
$$;
--> statement-breakpoint
CREATE TRIGGER request_value_while_editable BEFORE INSERT OR UPDATE OR DELETE ON request_value
  FOR EACH ROW EXECUTE FUNCTION request_part_check_state();
--> statement-breakpoint
CREATE TRIGGER request_document_while_editable BEFORE INSERT OR UPDATE OR DELETE ON request_document
  FOR EACH ROW EXECUTE FUNCTION request_part_check_state();
--> statement-breakpoint
-- A signature is removed by any change (and at transmission it stays as the round's record), so
-- only its writing is tied to the state.
CREATE TRIGGER request_signature_while_editable BEFORE INSERT OR UPDATE ON request_signature
  FOR EACH ROW EXECUTE FUNCTION request_part_check_state();
--> statement-breakpoint
-- (b) Only a draft is deleted.
CREATE FUNCTION request_delete_only_draft() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state <> 'draft' THEN
    RAISE EXCEPTION 'request: only a draft is deleted (request % is %)', OLD.id, OLD.state USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER request_only_draft_deleted BEFORE DELETE ON request
  FOR EACH ROW EXECUTE FUNCTION request_delete_only_draft();
--> statement-breakpoint
-- (c) What was transmitted and the history of states are append-only.
CREATE FUNCTION request_history_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER request_submission_append_only BEFORE UPDATE OR DELETE ON request_submission
  FOR EACH ROW EXECUTE FUNCTION request_history_refuse_change();
--> statement-breakpoint
CREATE TRIGGER request_submission_no_truncate BEFORE TRUNCATE ON request_submission
  FOR EACH STATEMENT EXECUTE FUNCTION request_history_refuse_change();
--> statement-breakpoint
-- Transitions are deleted only with their draft (the cascade of (b)), never changed.
CREATE TRIGGER request_transition_append_only BEFORE UPDATE ON request_transition
  FOR EACH ROW EXECUTE FUNCTION request_history_refuse_change();
--> statement-breakpoint
-- (d) The state moves only along the engine's transitions.
CREATE FUNCTION request_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IS DISTINCT FROM OLD.state AND (OLD.state::text || '>' || NEW.state::text) NOT IN (
    'draft>submitted', 'commented>submitted', 'submitted>commented', 'submitted>compliant', 'compliant>closed'
  ) THEN
    RAISE EXCEPTION 'request: the state does not move from % to % (request %)', OLD.state, NEW.state, OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER request_state_transition BEFORE UPDATE OF state ON request
  FOR EACH ROW EXECUTE FUNCTION request_check_transition();
