CREATE TABLE "choice_criterion" (
	"choice_id" uuid NOT NULL,
	"criterion_id" uuid NOT NULL,
	"verification" text,
	"verified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "choice_criterion_choice_id_criterion_id_pk" PRIMARY KEY("choice_id","criterion_id"),
	CONSTRAINT "choice_criterion_verification_check" CHECK ("choice_criterion"."verification" is null or "choice_criterion"."verification" in ('confirmed', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "priority_criterion" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"label_fr" text NOT NULL,
	"label_en" text NOT NULL,
	"retired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "priority_criterion_code_check" CHECK ("priority_criterion"."code" ~ '^[a-z][a-z0-9_]{1,39}$')
);
--> statement-breakpoint
CREATE TABLE "site_criterion" (
	"installation_id" uuid NOT NULL,
	"criterion_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "site_criterion_installation_id_criterion_id_pk" PRIMARY KEY("installation_id","criterion_id"),
	CONSTRAINT "site_criterion_position_check" CHECK ("site_criterion"."position" between 1 and 6)
);
--> statement-breakpoint
DROP INDEX "reserve_choice_installation_idx";--> statement-breakpoint
ALTER TABLE "reserve_choice" ADD COLUMN "criteria_key" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "choice_criterion" ADD CONSTRAINT "choice_criterion_choice_id_reserve_choice_id_fk" FOREIGN KEY ("choice_id") REFERENCES "public"."reserve_choice"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "choice_criterion" ADD CONSTRAINT "choice_criterion_criterion_id_priority_criterion_id_fk" FOREIGN KEY ("criterion_id") REFERENCES "public"."priority_criterion"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_criterion" ADD CONSTRAINT "site_criterion_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "site_criterion" ADD CONSTRAINT "site_criterion_criterion_id_priority_criterion_id_fk" FOREIGN KEY ("criterion_id") REFERENCES "public"."priority_criterion"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "choice_criterion_criterion_idx" ON "choice_criterion" USING btree ("criterion_id");--> statement-breakpoint
CREATE UNIQUE INDEX "priority_criterion_code_key" ON "priority_criterion" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "site_criterion_position_key" ON "site_criterion" USING btree ("installation_id","position");--> statement-breakpoint
CREATE INDEX "site_criterion_criterion_idx" ON "site_criterion" USING btree ("criterion_id");--> statement-breakpoint
CREATE INDEX "reserve_choice_installation_idx" ON "reserve_choice" USING btree ("installation_id","criteria_key","desired_start","created_at","id");--> statement-breakpoint
ALTER TABLE "reserve_choice" ADD CONSTRAINT "reserve_choice_criteria_key_check" CHECK ("reserve_choice"."criteria_key" between 0 and 63);--> statement-breakpoint
-- The ministry's initial list of admission priority criteria (agents add and retire criteria afterwards).
INSERT INTO "priority_criterion" ("code", "label_fr", "label_en") VALUES
	('sibling', 'Enfant dont un frère ou une sœur fréquente déjà le service de garde', 'Child whose brother or sister already attends the childcare service'),
	('staff_child', 'Enfant d’un membre du personnel du service de garde', 'Child of a member of the childcare service’s staff'),
	('special_needs_cisss', 'Enfant ayant des besoins particuliers, recommandé par un CISSS ou un CIUSSS', 'Child with special needs referred by a CISSS or CIUSSS'),
	('health_agreement', 'Enfant recommandé dans le cadre d’un protocole d’entente avec le réseau de la santé et des services sociaux', 'Child referred under an agreement (protocole d’entente) with the health and social services network'),
	('territory', 'Enfant résidant dans la municipalité ou le territoire desservi', 'Child living in the municipality or territory served'),
	('precarious', 'Famille en situation de précarité socioéconomique', 'Family in a precarious socio-economic situation');
