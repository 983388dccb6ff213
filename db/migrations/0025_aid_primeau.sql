-- A second financial-aid program on the access registry (seed 004: « les divers programmes d'aide
-- financière gérés par la DGI »): the Programme d'infrastructures municipales pour l'eau. Its
-- requests have their own numbering (YYYY-91-NNN) and reach the directorate that analyses them.
INSERT INTO registry_program (code, name_fr, name_en, mandataries_may_transmit) VALUES
  ('primeau', 'Programme d''infrastructures municipales pour l''eau (PRIMEAU)', 'Municipal Water Infrastructure Program (PRIMEAU)', false);
--> statement-breakpoint
INSERT INTO regional_directorate (code, name_fr, name_en, phone, toll_free_phone, email, ministry) VALUES
  ('91', 'Direction générale des infrastructures, eau potable et eaux usées (MAMH)', 'Infrastructure Branch, drinking water and wastewater (MAMH)', '418 691-2005', '418 691-2005', 'eau@mamh.guichet.test', 'mamh');
