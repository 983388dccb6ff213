ALTER TABLE "regional_directorate" ADD COLUMN "ministry" text DEFAULT 'famille' NOT NULL;--> statement-breakpoint
ALTER TABLE "regional_directorate" ADD CONSTRAINT "regional_directorate_ministry_check" CHECK ("regional_directorate"."ministry" in ('famille', 'mamh'));--> statement-breakpoint
UPDATE "regional_directorate" SET "ministry" = 'mamh' WHERE "code" = '90';
