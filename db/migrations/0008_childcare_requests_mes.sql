CREATE TYPE "public"."childcare_site_kind" AS ENUM('installation', 'home_provider');--> statement-breakpoint
CREATE TYPE "public"."agent_role" AS ENUM('registry', 'famille', 'mamh', 'support');--> statement-breakpoint
CREATE TYPE "public"."mes_request_type" AS ENUM('new', 'renewal_unchanged', 'renewal_changed', 'transfer');--> statement-breakpoint
CREATE TYPE "public"."request_comment_target" AS ENUM('field', 'document');--> statement-breakpoint
CREATE TYPE "public"."request_state" AS ENUM('draft', 'submitted', 'commented', 'compliant', 'closed');--> statement-breakpoint
CREATE TABLE "child" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"nirec" text NOT NULL,
	"necsg" text NOT NULL,
	"last_name" text NOT NULL,
	"first_name" text NOT NULL,
	"birth_date" date NOT NULL,
	"search_key" text NOT NULL,
	"parent_name" text NOT NULL,
	"other_parent_name" text,
	"home_address" text NOT NULL,
	"home_postal_code" text NOT NULL,
	"parent_email" text,
	"home_phone" text,
	"mobile_phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "child_nirec_check" CHECK ("child"."nirec" ~ '^[0-9]{10}$'),
	CONSTRAINT "child_necsg_check" CHECK ("child"."necsg" ~ '^[0-9]{9}$')
);
--> statement-breakpoint
CREATE TABLE "child_attendance" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"installation_id" uuid NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "child_attendance_period_check" CHECK ("child_attendance"."end_date" is null or "child_attendance"."end_date" >= "child_attendance"."start_date")
);
--> statement-breakpoint
CREATE TABLE "installation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"kind" "childcare_site_kind" NOT NULL,
	"number" text NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"municipality" text NOT NULL,
	"postal_code" text NOT NULL,
	"region" text NOT NULL,
	"directorate_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "installation_region_check" CHECK ("installation"."region" ~ '^(0[1-9]|1[0-7])$')
);
--> statement-breakpoint
CREATE TABLE "integration_allowance" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"installation_id" uuid NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integration_allowance_period_check" CHECK ("integration_allowance"."end_date" is null or "integration_allowance"."end_date" >= "integration_allowance"."start_date")
);
--> statement-breakpoint
CREATE TABLE "mes_funding" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"installation_id" uuid NOT NULL,
	"reference_year" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regional_directorate" (
	"code" text PRIMARY KEY NOT NULL,
	"name_fr" text NOT NULL,
	"name_en" text NOT NULL,
	"phone" text NOT NULL,
	"toll_free_phone" text NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_assignment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"role" "agent_role" NOT NULL,
	"directorate_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_assignment_key" UNIQUE NULLS NOT DISTINCT("account_id","role","directorate_code")
);
--> statement-breakpoint
CREATE TABLE "mes_request" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"child_id" uuid NOT NULL,
	"installation_id" uuid NOT NULL,
	"type" "mes_request_type" NOT NULL,
	"reference_year" integer NOT NULL,
	"departure_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program" text NOT NULL,
	"revision" integer NOT NULL,
	"number" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"directorate_code" text NOT NULL,
	"state" "request_state" DEFAULT 'draft' NOT NULL,
	"creation_key" text NOT NULL,
	"created_by" uuid NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_submitted_at" timestamp with time zone,
	"last_submitted_at" timestamp with time zone,
	"round" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_comment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"target" "request_comment_target" NOT NULL,
	"target_id" text NOT NULL,
	"body" text NOT NULL,
	"author_id" uuid NOT NULL,
	"corrected_at" timestamp with time zone,
	"corrected_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_comment_corrected_check" CHECK (("request_comment"."corrected_at" is null) = ("request_comment"."corrected_by" is null))
);
--> statement-breakpoint
CREATE TABLE "request_document" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"document_type" text NOT NULL,
	"file_id" uuid NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_sequence" (
	"year" integer NOT NULL,
	"directorate_code" text NOT NULL,
	"last_value" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_sequence_year_directorate_code_pk" PRIMARY KEY("year","directorate_code")
);
--> statement-breakpoint
CREATE TABLE "request_signature" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"round" integer NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"function" text NOT NULL,
	"attested" boolean NOT NULL,
	"signed_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_signature_attested_check" CHECK ("request_signature"."attested")
);
--> statement-breakpoint
CREATE TABLE "request_submission" (
	"request_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"values" jsonb NOT NULL,
	"documents" jsonb NOT NULL,
	"signature" jsonb NOT NULL,
	"submitted_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_submission_request_id_round_pk" PRIMARY KEY("request_id","round")
);
--> statement-breakpoint
CREATE TABLE "request_transition" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"from_state" "request_state",
	"to_state" "request_state" NOT NULL,
	"actor_id" uuid,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_value" (
	"request_id" uuid NOT NULL,
	"field_id" text NOT NULL,
	"row" integer DEFAULT 0 NOT NULL,
	"value" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"changed_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_value_request_id_field_id_row_pk" PRIMARY KEY("request_id","field_id","row")
);
--> statement-breakpoint
ALTER TABLE "childcare_service" ADD COLUMN "division_number" text;--> statement-breakpoint
ALTER TABLE "child_attendance" ADD CONSTRAINT "child_attendance_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_attendance" ADD CONSTRAINT "child_attendance_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installation" ADD CONSTRAINT "installation_service_id_childcare_service_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."childcare_service"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installation" ADD CONSTRAINT "installation_directorate_code_regional_directorate_code_fk" FOREIGN KEY ("directorate_code") REFERENCES "public"."regional_directorate"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_allowance" ADD CONSTRAINT "integration_allowance_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_allowance" ADD CONSTRAINT "integration_allowance_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mes_funding" ADD CONSTRAINT "mes_funding_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mes_funding" ADD CONSTRAINT "mes_funding_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_assignment" ADD CONSTRAINT "agent_assignment_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mes_request" ADD CONSTRAINT "mes_request_request_id_request_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."request"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mes_request" ADD CONSTRAINT "mes_request_child_id_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."child"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mes_request" ADD CONSTRAINT "mes_request_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request" ADD CONSTRAINT "request_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request" ADD CONSTRAINT "request_directorate_code_regional_directorate_code_fk" FOREIGN KEY ("directorate_code") REFERENCES "public"."regional_directorate"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request" ADD CONSTRAINT "request_created_by_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_comment" ADD CONSTRAINT "request_comment_request_id_request_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."request"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_comment" ADD CONSTRAINT "request_comment_author_id_account_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_comment" ADD CONSTRAINT "request_comment_corrected_by_account_id_fk" FOREIGN KEY ("corrected_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_document" ADD CONSTRAINT "request_document_request_id_request_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."request"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_document" ADD CONSTRAINT "request_document_file_id_stored_file_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."stored_file"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_document" ADD CONSTRAINT "request_document_uploaded_by_account_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_sequence" ADD CONSTRAINT "request_sequence_directorate_code_regional_directorate_code_fk" FOREIGN KEY ("directorate_code") REFERENCES "public"."regional_directorate"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_signature" ADD CONSTRAINT "request_signature_request_id_request_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."request"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_signature" ADD CONSTRAINT "request_signature_signed_by_account_id_fk" FOREIGN KEY ("signed_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_submission" ADD CONSTRAINT "request_submission_request_id_request_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."request"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_submission" ADD CONSTRAINT "request_submission_submitted_by_account_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_transition" ADD CONSTRAINT "request_transition_request_id_request_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."request"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_transition" ADD CONSTRAINT "request_transition_actor_id_account_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_value" ADD CONSTRAINT "request_value_request_id_request_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."request"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_value" ADD CONSTRAINT "request_value_changed_by_account_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "child_nirec_key" ON "child" USING btree ("nirec");--> statement-breakpoint
CREATE UNIQUE INDEX "child_necsg_key" ON "child" USING btree ("necsg");--> statement-breakpoint
CREATE INDEX "child_search_key_idx" ON "child" USING btree ("search_key");--> statement-breakpoint
CREATE INDEX "child_attendance_child_idx" ON "child_attendance" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "child_attendance_installation_idx" ON "child_attendance" USING btree ("installation_id","child_id");--> statement-breakpoint
CREATE UNIQUE INDEX "installation_number_key" ON "installation" USING btree ("number");--> statement-breakpoint
CREATE INDEX "installation_service_idx" ON "installation" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "installation_directorate_idx" ON "installation" USING btree ("directorate_code");--> statement-breakpoint
CREATE INDEX "integration_allowance_child_idx" ON "integration_allowance" USING btree ("child_id","installation_id");--> statement-breakpoint
CREATE INDEX "integration_allowance_installation_idx" ON "integration_allowance" USING btree ("installation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mes_funding_key" ON "mes_funding" USING btree ("child_id","installation_id","reference_year");--> statement-breakpoint
CREATE INDEX "mes_funding_installation_idx" ON "mes_funding" USING btree ("installation_id");--> statement-breakpoint
CREATE INDEX "mes_request_child_idx" ON "mes_request" USING btree ("child_id","installation_id");--> statement-breakpoint
CREATE INDEX "mes_request_installation_idx" ON "mes_request" USING btree ("installation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "request_number_key" ON "request" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "request_creation_key" ON "request" USING btree ("creation_key");--> statement-breakpoint
CREATE INDEX "request_enterprise_list_idx" ON "request" USING btree ("enterprise_id","program","state","changed_at");--> statement-breakpoint
CREATE INDEX "request_agent_queue_idx" ON "request" USING btree ("program","directorate_code","state","last_submitted_at");--> statement-breakpoint
CREATE INDEX "request_directorate_idx" ON "request" USING btree ("directorate_code");--> statement-breakpoint
CREATE INDEX "request_created_by_idx" ON "request" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "request_comment_request_idx" ON "request_comment" USING btree ("request_id","round");--> statement-breakpoint
CREATE INDEX "request_comment_author_idx" ON "request_comment" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "request_comment_corrected_by_idx" ON "request_comment" USING btree ("corrected_by");--> statement-breakpoint
CREATE INDEX "request_document_request_idx" ON "request_document" USING btree ("request_id","document_type");--> statement-breakpoint
CREATE UNIQUE INDEX "request_document_file_key" ON "request_document" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "request_document_uploaded_by_idx" ON "request_document" USING btree ("uploaded_by");--> statement-breakpoint
CREATE INDEX "request_sequence_directorate_idx" ON "request_sequence" USING btree ("directorate_code");--> statement-breakpoint
CREATE INDEX "request_signature_signed_by_idx" ON "request_signature" USING btree ("signed_by");--> statement-breakpoint
CREATE INDEX "request_submission_submitted_by_idx" ON "request_submission" USING btree ("submitted_by");--> statement-breakpoint
CREATE INDEX "request_transition_request_idx" ON "request_transition" USING btree ("request_id","created_at");--> statement-breakpoint
CREATE INDEX "request_transition_actor_idx" ON "request_transition" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "request_value_changed_by_idx" ON "request_value" USING btree ("changed_by");