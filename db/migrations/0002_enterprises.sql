CREATE TYPE "public"."enroller_role" AS ENUM('proprietor', 'named_by_proprietor', 'officer', 'employee', 'professional', 'designated_by_resolution', 'partner', 'administrator', 'named_by_partnership');--> statement-breakpoint
CREATE TYPE "public"."enrolment_state" AS ENUM('active', 'waiting_documents', 'under_verification', 'refused');--> statement-breakpoint
CREATE TYPE "public"."legal_type" AS ENUM('sole_proprietor', 'corporation', 'nonprofit', 'partnership');--> statement-breakpoint
CREATE TYPE "public"."enterprise_member_role" AS ENUM('rse', 'user');--> statement-breakpoint
CREATE TYPE "public"."officer_function" AS ENUM('president', 'vice_president', 'secretary', 'treasurer', 'sole_administrator', 'partner', 'administrator');--> statement-breakpoint
CREATE TABLE "acknowledgement_secret" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"enrolment_id" uuid NOT NULL,
	"sealed_password" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrolment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"legal_type" "legal_type" NOT NULL,
	"state" "enrolment_state" NOT NULL,
	"enroller_first_name" text NOT NULL,
	"enroller_last_name" text NOT NULL,
	"enroller_email" text NOT NULL,
	"enroller_role" "enroller_role" NOT NULL,
	"enroller_function" "officer_function",
	"enroller_recognised" boolean NOT NULL,
	"identifiers_given" text[] NOT NULL,
	"documents_required" text[] NOT NULL,
	"consented_at" timestamp with time zone NOT NULL,
	"activated_at" timestamp with time zone,
	"refused_at" timestamp with time zone,
	"refusal_reason" text,
	"rse_account_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrolment_draft" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"sealed_request" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrolment_sequence" (
	"year" integer PRIMARY KEY NOT NULL,
	"last_value" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enterprise_member" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"role" "enterprise_member_role" NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invitation_number" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"requested_by_officer_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"replaced_at" timestamp with time zone,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "postal_letter" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"addressee" text NOT NULL,
	"address" text NOT NULL,
	"sealed_body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registry_enterprise" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rq_id" text NOT NULL,
	"neq" text NOT NULL,
	"legal_name" text NOT NULL,
	"legal_type" "legal_type" NOT NULL,
	"address_line" text NOT NULL,
	"municipality" text NOT NULL,
	"postal_code" text NOT NULL,
	"return_filed" boolean NOT NULL,
	"mailing_address_ok" boolean NOT NULL,
	"file_in_good_standing" boolean NOT NULL,
	"officers_up_to_date" boolean NOT NULL,
	"assessment_number_hash" text,
	"owner_sin_hash" text,
	"impotnet_code_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registry_officer" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"function" "officer_function" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "acknowledgement_secret" ADD CONSTRAINT "acknowledgement_secret_enrolment_id_enrolment_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."enrolment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment" ADD CONSTRAINT "enrolment_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment" ADD CONSTRAINT "enrolment_rse_account_id_account_id_fk" FOREIGN KEY ("rse_account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprise_member" ADD CONSTRAINT "enterprise_member_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprise_member" ADD CONSTRAINT "enterprise_member_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitation_number" ADD CONSTRAINT "invitation_number_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitation_number" ADD CONSTRAINT "invitation_number_requested_by_officer_id_registry_officer_id_fk" FOREIGN KEY ("requested_by_officer_id") REFERENCES "public"."registry_officer"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postal_letter" ADD CONSTRAINT "postal_letter_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_officer" ADD CONSTRAINT "registry_officer_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "acknowledgement_secret_enrolment_idx" ON "acknowledgement_secret" USING btree ("enrolment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "enrolment_number_key" ON "enrolment" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "enrolment_current_key" ON "enrolment" USING btree ("enterprise_id") WHERE state <> 'refused';--> statement-breakpoint
CREATE INDEX "enrolment_enterprise_idx" ON "enrolment" USING btree ("enterprise_id");--> statement-breakpoint
CREATE INDEX "enrolment_queue_idx" ON "enrolment" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "enrolment_rse_idx" ON "enrolment" USING btree ("rse_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "enterprise_member_account_key" ON "enterprise_member" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "enterprise_member_pair_key" ON "enterprise_member" USING btree ("enterprise_id","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "enterprise_member_one_rse_key" ON "enterprise_member" USING btree ("enterprise_id") WHERE role = 'rse' and active;--> statement-breakpoint
CREATE UNIQUE INDEX "invitation_number_usable_key" ON "invitation_number" USING btree ("enterprise_id") WHERE replaced_at is null and used_at is null;--> statement-breakpoint
CREATE INDEX "invitation_number_enterprise_idx" ON "invitation_number" USING btree ("enterprise_id");--> statement-breakpoint
CREATE INDEX "invitation_number_officer_idx" ON "invitation_number" USING btree ("requested_by_officer_id");--> statement-breakpoint
CREATE INDEX "postal_letter_enterprise_idx" ON "postal_letter" USING btree ("enterprise_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "registry_enterprise_rq_id_key" ON "registry_enterprise" USING btree ("rq_id");--> statement-breakpoint
CREATE UNIQUE INDEX "registry_enterprise_neq_key" ON "registry_enterprise" USING btree ("neq");--> statement-breakpoint
CREATE INDEX "registry_officer_enterprise_idx" ON "registry_officer" USING btree ("enterprise_id");