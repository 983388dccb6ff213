-- The registry of the financial-aid programs (seed 004): invariants the database keeps even when
-- the service is bypassed. The one-holder rules (one local manager per organization and program,
-- one mandatary manager per service point, one current profile per person) are partial unique
-- indexes of the schema; membership of the organization's or firm's enterprise is a composite
-- foreign key. These triggers add what a constraint cannot say.
CREATE FUNCTION registry_require_active_member(enterprise uuid, person uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM enterprise_member m JOIN account a ON a.id = m.account_id
    WHERE m.enterprise_id = enterprise AND m.account_id = person AND m.active AND a.disabled_at IS NULL
  ) THEN
    RAISE EXCEPTION 'registry: the person is not an active member of the enterprise' USING ERRCODE = 'check_violation';
  END IF;
END;
$$;
--> statement-breakpoint
-- A row of the registry is history once ended: it is never changed again, nor deleted.
CREATE FUNCTION registry_history_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'registry: % rows are kept as history', TG_TABLE_NAME USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.ended_at IS NOT NULL THEN
    RAISE EXCEPTION 'registry: an ended % row is history', TG_TABLE_NAME USING ERRCODE = 'check_violation';
  END IF;
  IF to_jsonb(NEW) - 'ended_at' - 'ended_by' - 'end_reason' - 'updated_at' <> to_jsonb(OLD) - 'ended_at' - 'ended_by' - 'end_reason' - 'updated_at' THEN
    RAISE EXCEPTION 'registry: only the end of a % row may change', TG_TABLE_NAME USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER organization_function_history BEFORE UPDATE OR DELETE ON organization_function FOR EACH ROW EXECUTE FUNCTION registry_history_guard();
--> statement-breakpoint
CREATE TRIGGER mandatary_manager_history BEFORE UPDATE OR DELETE ON mandatary_manager FOR EACH ROW EXECUTE FUNCTION registry_history_guard();
--> statement-breakpoint
CREATE TRIGGER service_point_staff_history BEFORE UPDATE OR DELETE ON service_point_staff FOR EACH ROW EXECUTE FUNCTION registry_history_guard();
--> statement-breakpoint
CREATE TRIGGER mandate_history BEFORE UPDATE OR DELETE ON mandate FOR EACH ROW EXECUTE FUNCTION registry_history_guard();
--> statement-breakpoint
CREATE TRIGGER profile_grant_history BEFORE UPDATE OR DELETE ON profile_grant FOR EACH ROW EXECUTE FUNCTION registry_history_guard();
--> statement-breakpoint
-- A manager or deputy is an active member of the organization (the foreign key already refuses
-- anyone of another enterprise). A local manager is named by the support desk; a deputy by the
-- organization's current local manager, or by an agent when the manager cannot (seed 004, 7.2),
-- never by a deputy.
CREATE FUNCTION organization_function_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  named_by_agent boolean := EXISTS (SELECT 1 FROM account a WHERE a.id = NEW.named_by AND a.kind = 'agent');
BEGIN
  PERFORM registry_require_active_member(NEW.enterprise_id, NEW.account_id);
  IF NEW.function = 'local_manager' AND NOT named_by_agent THEN
    RAISE EXCEPTION 'registry: a local manager is named by the support desk' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.function = 'deputy' AND NOT named_by_agent AND NOT EXISTS (
    SELECT 1 FROM organization_function f
    WHERE f.program = NEW.program AND f.organization_id = NEW.organization_id
      AND f.account_id = NEW.named_by AND f.function = 'local_manager' AND f.ended_at IS NULL
  ) THEN
    RAISE EXCEPTION 'registry: a deputy is named by the local manager' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER organization_function_named BEFORE INSERT ON organization_function FOR EACH ROW EXECUTE FUNCTION organization_function_check();
--> statement-breakpoint
CREATE FUNCTION mandatary_manager_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_require_active_member(NEW.enterprise_id, NEW.account_id);
  IF NOT EXISTS (SELECT 1 FROM account a WHERE a.id = NEW.named_by AND a.kind = 'agent') THEN
    RAISE EXCEPTION 'registry: a mandatary manager is named by the support desk' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER mandatary_manager_named BEFORE INSERT ON mandatary_manager FOR EACH ROW EXECUTE FUNCTION mandatary_manager_check();
--> statement-breakpoint
CREATE FUNCTION service_point_staff_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_require_active_member(NEW.enterprise_id, NEW.account_id);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER service_point_staff_attached BEFORE INSERT ON service_point_staff FOR EACH ROW EXECUTE FUNCTION service_point_staff_check();
--> statement-breakpoint
-- A Requérant profile goes to an active member of the organization; a Mandataire profile to a person
-- attached to a service point that the organization mandates, with the mandate running today
-- (Quebec time). Neither goes to anyone else.
CREATE FUNCTION profile_grant_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  today date := (now() AT TIME ZONE 'America/Toronto')::date;
BEGIN
  IF NEW.profile IN ('requester_write', 'requester_read') THEN
    PERFORM registry_require_active_member((SELECT o.enterprise_id FROM organization o WHERE o.id = NEW.organization_id), NEW.account_id);
    RETURN NEW;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM mandate m
    WHERE m.program = NEW.program AND m.organization_id = NEW.organization_id AND m.service_point_id = NEW.service_point_id
      AND m.ended_at IS NULL AND (m.valid_until IS NULL OR m.valid_until >= today)
  ) THEN
    RAISE EXCEPTION 'registry: a Mandataire profile needs a running mandate' USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM service_point_staff s
    WHERE s.program = NEW.program AND s.service_point_id = NEW.service_point_id AND s.account_id = NEW.account_id AND s.ended_at IS NULL
  ) THEN
    RAISE EXCEPTION 'registry: a Mandataire profile goes to a person attached to the service point' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER profile_grant_granted BEFORE INSERT ON profile_grant FOR EACH ROW EXECUTE FUNCTION profile_grant_check();
--> statement-breakpoint
-- A mandate goes to another enterprise's service point, never to the organization itself.
CREATE FUNCTION mandate_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM organization o JOIN service_point p ON p.enterprise_id = o.enterprise_id
    WHERE o.id = NEW.organization_id AND p.id = NEW.service_point_id
  ) THEN
    RAISE EXCEPTION 'registry: an organization does not mandate its own enterprise' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER mandate_granted BEFORE INSERT ON mandate FOR EACH ROW EXECUTE FUNCTION mandate_check();
--> statement-breakpoint
-- The one program the registry manages today, and the ministry directorate that numbers its
-- requests (YYYY-90-NNN): the Direction générale des infrastructures of seed 004.
INSERT INTO registry_program (code, name_fr, name_en, mandataries_may_transmit) VALUES
  ('prabam', 'Programme d''aide financière pour les bâtiments municipaux (PRABAM)', 'Financial Assistance Program for Municipal Buildings (PRABAM)', false);
--> statement-breakpoint
INSERT INTO regional_directorate (code, name_fr, name_en, phone, toll_free_phone, email) VALUES
  ('90', 'Direction générale des infrastructures (MAMH)', 'Infrastructure Branch (MAMH)', '418 691-2005', '418 691-2005', 'infrastructures@mamh.guichet.test');
