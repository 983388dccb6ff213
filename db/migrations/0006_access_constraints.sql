-- Rights are only those of the catalogue, for an active member of the enterprise, in an e-service
-- the enterprise is active in (the ministry offering it accepted its enrolment). The mapping of
-- e-services to ministries repeats src/modules/access/catalogue.ts.
ALTER TABLE eservice_right ADD CONSTRAINT eservice_right_catalogue_check CHECK (
  eservice::text || ':' || "right"::text IN ('mes:consult', 'mes:enter', 'mes:sign', 'portal:manage_sheet', 'portal:manage_reserve')
);
--> statement-breakpoint
CREATE FUNCTION eservice_right_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  offered_by ministry;
BEGIN
  offered_by := CASE NEW.eservice::text WHEN 'mes' THEN 'famille' WHEN 'portal' THEN 'famille' WHEN 'aid' THEN 'mamh' END;
  IF NOT EXISTS (
    SELECT 1 FROM eservice_enrolment
    WHERE enterprise_id = NEW.enterprise_id AND ministry = offered_by AND state = 'active'
  ) THEN
    RAISE EXCEPTION 'eservice_right: the enterprise is not active in e-service %', NEW.eservice USING ERRCODE = 'check_violation';
  END IF;
  -- A user of another enterprise is refused by the foreign key eservice_right_member_fk.
  IF EXISTS (
    SELECT 1 FROM enterprise_member
    WHERE enterprise_id = NEW.enterprise_id AND account_id = NEW.account_id AND NOT active
  ) THEN
    RAISE EXCEPTION 'eservice_right: the user is deactivated' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER eservice_right_granted BEFORE INSERT OR UPDATE ON eservice_right
  FOR EACH ROW EXECUTE FUNCTION eservice_right_check();
--> statement-breakpoint
-- An enterprise whose enrolment is active always has one active RSE. Checked at commit, so that a
-- transaction may name the new RSE after the old one stepped down, or add the RSE after the enrolment.
CREATE FUNCTION enterprise_rse_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  checked uuid;
BEGIN
  IF TG_TABLE_NAME = 'enrolment' THEN
    checked := NEW.enterprise_id;
  ELSE
    checked := OLD.enterprise_id;
  END IF;
  IF EXISTS (SELECT 1 FROM enrolment WHERE enterprise_id = checked AND state = 'active')
     AND NOT EXISTS (SELECT 1 FROM enterprise_member WHERE enterprise_id = checked AND role = 'rse' AND active) THEN
    RAISE EXCEPTION 'enterprise % is active without an active RSE', checked USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER enrolment_requires_rse AFTER INSERT OR UPDATE ON enrolment
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION enterprise_rse_check();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER enterprise_member_keeps_rse AFTER UPDATE OR DELETE ON enterprise_member
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION enterprise_rse_check();
