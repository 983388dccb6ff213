CREATE TYPE "public"."eservice" AS ENUM('mes', 'portal', 'aid');--> statement-breakpoint
CREATE TYPE "public"."eservice_enrolment_state" AS ENUM('processing', 'active', 'refused');--> statement-breakpoint
CREATE TYPE "public"."eservice_right_kind" AS ENUM('consult', 'enter', 'sign', 'manage_sheet', 'manage_reserve');--> statement-breakpoint
CREATE TYPE "public"."ministry" AS ENUM('famille', 'mamh');--> statement-breakpoint
CREATE TYPE "public"."childcare_service_kind" AS ENUM('cpe', 'subsidized_daycare', 'daycare', 'coordinating_office');--> statement-breakpoint
CREATE TABLE "eservice_enrolment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"ministry" "ministry" NOT NULL,
	"state" "eservice_enrolment_state" NOT NULL,
	"ministry_number" text NOT NULL,
	"number_check" text NOT NULL,
	"other_information" text,
	"consented_at" timestamp with time zone NOT NULL,
	"transmitted_at" timestamp with time zone NOT NULL,
	"transmitted_by" uuid NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"refusal_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "eservice_enrolment_event" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enrolment_id" uuid NOT NULL,
	"state" "eservice_enrolment_state" NOT NULL,
	"actor_account_id" uuid,
	"ministry_number" text,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "eservice_right" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"eservice" "eservice" NOT NULL,
	"right" "eservice_right_kind" NOT NULL,
	"granted_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "childcare_service" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"permit_number" text NOT NULL,
	"kind" "childcare_service_kind" NOT NULL,
	"name" text NOT NULL,
	"enterprise_neq" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "eservice_enrolment" ADD CONSTRAINT "eservice_enrolment_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eservice_enrolment" ADD CONSTRAINT "eservice_enrolment_transmitted_by_account_id_fk" FOREIGN KEY ("transmitted_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eservice_enrolment" ADD CONSTRAINT "eservice_enrolment_decided_by_account_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eservice_enrolment_event" ADD CONSTRAINT "eservice_enrolment_event_enrolment_id_eservice_enrolment_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."eservice_enrolment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eservice_enrolment_event" ADD CONSTRAINT "eservice_enrolment_event_actor_account_id_account_id_fk" FOREIGN KEY ("actor_account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eservice_right" ADD CONSTRAINT "eservice_right_granted_by_account_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eservice_right" ADD CONSTRAINT "eservice_right_member_fk" FOREIGN KEY ("enterprise_id","account_id") REFERENCES "public"."enterprise_member"("enterprise_id","account_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "eservice_enrolment_enterprise_ministry_key" ON "eservice_enrolment" USING btree ("enterprise_id","ministry");--> statement-breakpoint
CREATE INDEX "eservice_enrolment_queue_idx" ON "eservice_enrolment" USING btree ("state","transmitted_at");--> statement-breakpoint
CREATE INDEX "eservice_enrolment_transmitted_by_idx" ON "eservice_enrolment" USING btree ("transmitted_by");--> statement-breakpoint
CREATE INDEX "eservice_enrolment_decided_by_idx" ON "eservice_enrolment" USING btree ("decided_by");--> statement-breakpoint
CREATE INDEX "eservice_enrolment_event_enrolment_idx" ON "eservice_enrolment_event" USING btree ("enrolment_id","created_at");--> statement-breakpoint
CREATE INDEX "eservice_enrolment_event_actor_idx" ON "eservice_enrolment_event" USING btree ("actor_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "eservice_right_key" ON "eservice_right" USING btree ("account_id","eservice","right");--> statement-breakpoint
CREATE INDEX "eservice_right_member_idx" ON "eservice_right" USING btree ("enterprise_id","account_id");--> statement-breakpoint
CREATE INDEX "eservice_right_granted_by_idx" ON "eservice_right" USING btree ("granted_by");--> statement-breakpoint
CREATE UNIQUE INDEX "childcare_service_permit_number_key" ON "childcare_service" USING btree ("permit_number");--> statement-breakpoint
CREATE INDEX "childcare_service_enterprise_neq_idx" ON "childcare_service" USING btree ("enterprise_neq");