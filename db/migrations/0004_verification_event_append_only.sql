-- An enrolment's history is append-only: any UPDATE, DELETE or TRUNCATE is refused by the database itself.
CREATE FUNCTION enrolment_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'enrolment_event is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER enrolment_event_no_update_delete BEFORE UPDATE OR DELETE ON enrolment_event
  FOR EACH ROW EXECUTE FUNCTION enrolment_event_refuse_change();
--> statement-breakpoint
CREATE TRIGGER enrolment_event_no_truncate BEFORE TRUNCATE ON enrolment_event
  FOR EACH STATEMENT EXECUTE FUNCTION enrolment_event_refuse_change();
