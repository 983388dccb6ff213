-- The ministry's four Directions des services à la clientèle (seed 001, « Message d'accueil »).
-- Their code is the RR of request numbers YYYY-RR-NNN; the seed's example 2021-11-043 is one of
-- Capitale-Nationale, Nord et Est.
INSERT INTO "regional_directorate" ("code", "name_fr", "name_en", "phone", "toll_free_phone", "email") VALUES
  ('11', 'Direction des services à la clientèle - Capitale-Nationale, Nord et Est', 'Client services directorate - Capitale-Nationale, North and East', '418 528-7100', '1 866 640-9919', 'dsc-capitale-nord-est@famille.guichet.test'),
  ('12', 'Direction des services à la clientèle - Île de Montréal', 'Client services directorate - Island of Montréal', '514 873-7200', '1 855 336-8568', 'dsc-montreal@famille.guichet.test'),
  ('13', 'Direction des services à la clientèle - Ouest', 'Client services directorate - West', '450 680-6525', '1 855 336-8568', 'dsc-ouest@famille.guichet.test'),
  ('14', 'Direction des services à la clientèle - Sud', 'Client services directorate - South', '450 928-7676', '1 866 640-9917', 'dsc-sud@famille.guichet.test');
