CREATE TYPE "public"."designation_kind" AS ENUM('local_manager', 'mandatary_manager');--> statement-breakpoint
CREATE TYPE "public"."designation_state" AS ENUM('pending', 'approved', 'refused');--> statement-breakpoint
CREATE TYPE "public"."organization_kind" AS ENUM('municipality', 'organism');--> statement-breakpoint
CREATE TYPE "public"."registry_function" AS ENUM('local_manager', 'deputy');--> statement-breakpoint
CREATE TYPE "public"."registry_profile" AS ENUM('requester_write', 'requester_read', 'mandatary_write', 'mandatary_read');--> statement-breakpoint
CREATE TABLE "designation_request" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "designation_kind" NOT NULL,
	"replacement" boolean DEFAULT false NOT NULL,
	"program" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"geographic_code" text,
	"service_point_id" uuid,
	"service_point_name" text,
	"service_point_address" text,
	"designated_account_id" uuid NOT NULL,
	"requested_by" uuid NOT NULL,
	"requester_name" text NOT NULL,
	"requester_function" text NOT NULL,
	"target" text NOT NULL,
	"state" "designation_state" DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"refusal_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "designation_request_service_point_check" CHECK (("designation_request"."kind" = 'mandatary_manager') = ("designation_request"."service_point_id" is not null or "designation_request"."service_point_name" is not null))
);
--> statement-breakpoint
CREATE TABLE "mandatary_manager" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program" text NOT NULL,
	"service_point_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"named_by" uuid NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mandate" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program" text NOT NULL,
	"organization_id" uuid NOT NULL,
	"service_point_id" uuid NOT NULL,
	"valid_until" date,
	"granted_by" uuid NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organization" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "organization_kind" NOT NULL,
	"geographic_code" text,
	"enterprise_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organization_id_enterprise_key" UNIQUE("id","enterprise_id"),
	CONSTRAINT "organization_identifier_check" CHECK (("organization"."kind" = 'municipality') = ("organization"."geographic_code" is not null))
);
--> statement-breakpoint
CREATE TABLE "organization_function" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program" text NOT NULL,
	"organization_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"function" "registry_function" NOT NULL,
	"named_by" uuid NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "profile_grant" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program" text NOT NULL,
	"organization_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"profile" "registry_profile" NOT NULL,
	"service_point_id" uuid,
	"granted_by" uuid NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by" uuid,
	"end_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "profile_grant_service_point_check" CHECK (("profile_grant"."profile" in ('mandatary_write', 'mandatary_read')) = ("profile_grant"."service_point_id" is not null)),
	CONSTRAINT "profile_grant_end_check" CHECK (("profile_grant"."ended_at" is null) = ("profile_grant"."end_reason" is null))
);
--> statement-breakpoint
CREATE TABLE "registry_program" (
	"code" text PRIMARY KEY NOT NULL,
	"name_fr" text NOT NULL,
	"name_en" text NOT NULL,
	"mandataries_may_transmit" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_point" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_point_id_enterprise_key" UNIQUE("id","enterprise_id")
);
--> statement-breakpoint
CREATE TABLE "service_point_staff" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program" text NOT NULL,
	"service_point_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"attached_by" uuid NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "aid_request" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "municipality" (
	"geographic_code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"region_code" text NOT NULL,
	"region_name" text NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "municipality_geographic_code_check" CHECK ("municipality"."geographic_code" ~ '^[0-9]{5}$'),
	CONSTRAINT "municipality_region_code_check" CHECK ("municipality"."region_code" ~ '^(0[1-9]|1[0-7])$')
);
--> statement-breakpoint
ALTER TABLE "designation_request" ADD CONSTRAINT "designation_request_program_registry_program_code_fk" FOREIGN KEY ("program") REFERENCES "public"."registry_program"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "designation_request" ADD CONSTRAINT "designation_request_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "designation_request" ADD CONSTRAINT "designation_request_geographic_code_municipality_geographic_code_fk" FOREIGN KEY ("geographic_code") REFERENCES "public"."municipality"("geographic_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "designation_request" ADD CONSTRAINT "designation_request_service_point_id_service_point_id_fk" FOREIGN KEY ("service_point_id") REFERENCES "public"."service_point"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "designation_request" ADD CONSTRAINT "designation_request_designated_account_id_account_id_fk" FOREIGN KEY ("designated_account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "designation_request" ADD CONSTRAINT "designation_request_requested_by_account_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "designation_request" ADD CONSTRAINT "designation_request_decided_by_account_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandatary_manager" ADD CONSTRAINT "mandatary_manager_program_registry_program_code_fk" FOREIGN KEY ("program") REFERENCES "public"."registry_program"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandatary_manager" ADD CONSTRAINT "mandatary_manager_named_by_account_id_fk" FOREIGN KEY ("named_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandatary_manager" ADD CONSTRAINT "mandatary_manager_ended_by_account_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandatary_manager" ADD CONSTRAINT "mandatary_manager_service_point_fk" FOREIGN KEY ("service_point_id","enterprise_id") REFERENCES "public"."service_point"("id","enterprise_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandatary_manager" ADD CONSTRAINT "mandatary_manager_member_fk" FOREIGN KEY ("enterprise_id","account_id") REFERENCES "public"."enterprise_member"("enterprise_id","account_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate" ADD CONSTRAINT "mandate_program_registry_program_code_fk" FOREIGN KEY ("program") REFERENCES "public"."registry_program"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate" ADD CONSTRAINT "mandate_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate" ADD CONSTRAINT "mandate_service_point_id_service_point_id_fk" FOREIGN KEY ("service_point_id") REFERENCES "public"."service_point"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate" ADD CONSTRAINT "mandate_granted_by_account_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandate" ADD CONSTRAINT "mandate_ended_by_account_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization" ADD CONSTRAINT "organization_geographic_code_municipality_geographic_code_fk" FOREIGN KEY ("geographic_code") REFERENCES "public"."municipality"("geographic_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization" ADD CONSTRAINT "organization_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_function" ADD CONSTRAINT "organization_function_program_registry_program_code_fk" FOREIGN KEY ("program") REFERENCES "public"."registry_program"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_function" ADD CONSTRAINT "organization_function_named_by_account_id_fk" FOREIGN KEY ("named_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_function" ADD CONSTRAINT "organization_function_ended_by_account_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_function" ADD CONSTRAINT "organization_function_organization_fk" FOREIGN KEY ("organization_id","enterprise_id") REFERENCES "public"."organization"("id","enterprise_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_function" ADD CONSTRAINT "organization_function_member_fk" FOREIGN KEY ("enterprise_id","account_id") REFERENCES "public"."enterprise_member"("enterprise_id","account_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_grant" ADD CONSTRAINT "profile_grant_program_registry_program_code_fk" FOREIGN KEY ("program") REFERENCES "public"."registry_program"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_grant" ADD CONSTRAINT "profile_grant_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_grant" ADD CONSTRAINT "profile_grant_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_grant" ADD CONSTRAINT "profile_grant_service_point_id_service_point_id_fk" FOREIGN KEY ("service_point_id") REFERENCES "public"."service_point"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_grant" ADD CONSTRAINT "profile_grant_granted_by_account_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_grant" ADD CONSTRAINT "profile_grant_ended_by_account_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_point" ADD CONSTRAINT "service_point_enterprise_id_registry_enterprise_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."registry_enterprise"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_point_staff" ADD CONSTRAINT "service_point_staff_program_registry_program_code_fk" FOREIGN KEY ("program") REFERENCES "public"."registry_program"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_point_staff" ADD CONSTRAINT "service_point_staff_attached_by_account_id_fk" FOREIGN KEY ("attached_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_point_staff" ADD CONSTRAINT "service_point_staff_ended_by_account_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_point_staff" ADD CONSTRAINT "service_point_staff_service_point_fk" FOREIGN KEY ("service_point_id","enterprise_id") REFERENCES "public"."service_point"("id","enterprise_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_point_staff" ADD CONSTRAINT "service_point_staff_member_fk" FOREIGN KEY ("enterprise_id","account_id") REFERENCES "public"."enterprise_member"("enterprise_id","account_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_request" ADD CONSTRAINT "aid_request_request_id_request_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."request"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aid_request" ADD CONSTRAINT "aid_request_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "designation_request_pending_key" ON "designation_request" USING btree ("kind","program","target") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "designation_request_queue_idx" ON "designation_request" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "designation_request_program_idx" ON "designation_request" USING btree ("program","kind");--> statement-breakpoint
CREATE INDEX "designation_request_enterprise_idx" ON "designation_request" USING btree ("enterprise_id");--> statement-breakpoint
CREATE INDEX "designation_request_geographic_code_idx" ON "designation_request" USING btree ("geographic_code");--> statement-breakpoint
CREATE INDEX "designation_request_service_point_idx" ON "designation_request" USING btree ("service_point_id");--> statement-breakpoint
CREATE INDEX "designation_request_designated_idx" ON "designation_request" USING btree ("designated_account_id");--> statement-breakpoint
CREATE INDEX "designation_request_requested_by_idx" ON "designation_request" USING btree ("requested_by");--> statement-breakpoint
CREATE INDEX "designation_request_decided_by_idx" ON "designation_request" USING btree ("decided_by");--> statement-breakpoint
CREATE UNIQUE INDEX "mandatary_manager_one_key" ON "mandatary_manager" USING btree ("program","service_point_id") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "mandatary_manager_program_idx" ON "mandatary_manager" USING btree ("program","service_point_id");--> statement-breakpoint
CREATE INDEX "mandatary_manager_service_point_idx" ON "mandatary_manager" USING btree ("service_point_id","enterprise_id");--> statement-breakpoint
CREATE INDEX "mandatary_manager_member_idx" ON "mandatary_manager" USING btree ("enterprise_id","account_id");--> statement-breakpoint
CREATE INDEX "mandatary_manager_account_idx" ON "mandatary_manager" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "mandatary_manager_named_by_idx" ON "mandatary_manager" USING btree ("named_by");--> statement-breakpoint
CREATE INDEX "mandatary_manager_ended_by_idx" ON "mandatary_manager" USING btree ("ended_by");--> statement-breakpoint
CREATE UNIQUE INDEX "mandate_current_key" ON "mandate" USING btree ("program","organization_id","service_point_id") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "mandate_program_idx" ON "mandate" USING btree ("program","organization_id");--> statement-breakpoint
CREATE INDEX "mandate_organization_idx" ON "mandate" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "mandate_service_point_idx" ON "mandate" USING btree ("service_point_id","program");--> statement-breakpoint
CREATE INDEX "mandate_granted_by_idx" ON "mandate" USING btree ("granted_by");--> statement-breakpoint
CREATE INDEX "mandate_ended_by_idx" ON "mandate" USING btree ("ended_by");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_geographic_code_key" ON "organization" USING btree ("geographic_code");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_enterprise_key" ON "organization" USING btree ("enterprise_id");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_function_one_manager_key" ON "organization_function" USING btree ("program","organization_id") WHERE function = 'local_manager' and ended_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "organization_function_one_per_person_key" ON "organization_function" USING btree ("program","organization_id","account_id") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "organization_function_program_idx" ON "organization_function" USING btree ("program","organization_id");--> statement-breakpoint
CREATE INDEX "organization_function_organization_idx" ON "organization_function" USING btree ("organization_id","enterprise_id");--> statement-breakpoint
CREATE INDEX "organization_function_member_idx" ON "organization_function" USING btree ("enterprise_id","account_id");--> statement-breakpoint
CREATE INDEX "organization_function_account_idx" ON "organization_function" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "organization_function_named_by_idx" ON "organization_function" USING btree ("named_by");--> statement-breakpoint
CREATE INDEX "organization_function_ended_by_idx" ON "organization_function" USING btree ("ended_by");--> statement-breakpoint
CREATE UNIQUE INDEX "profile_grant_current_key" ON "profile_grant" USING btree ("account_id","program","organization_id") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "profile_grant_register_idx" ON "profile_grant" USING btree ("program","organization_id","created_at");--> statement-breakpoint
CREATE INDEX "profile_grant_organization_idx" ON "profile_grant" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "profile_grant_account_idx" ON "profile_grant" USING btree ("account_id","program");--> statement-breakpoint
CREATE INDEX "profile_grant_service_point_idx" ON "profile_grant" USING btree ("service_point_id");--> statement-breakpoint
CREATE INDEX "profile_grant_granted_by_idx" ON "profile_grant" USING btree ("granted_by");--> statement-breakpoint
CREATE INDEX "profile_grant_ended_by_idx" ON "profile_grant" USING btree ("ended_by");--> statement-breakpoint
CREATE UNIQUE INDEX "service_point_name_key" ON "service_point" USING btree ("enterprise_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "service_point_staff_one_point_key" ON "service_point_staff" USING btree ("program","account_id") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "service_point_staff_point_idx" ON "service_point_staff" USING btree ("program","service_point_id");--> statement-breakpoint
CREATE INDEX "service_point_staff_service_point_idx" ON "service_point_staff" USING btree ("service_point_id","enterprise_id");--> statement-breakpoint
CREATE INDEX "service_point_staff_member_idx" ON "service_point_staff" USING btree ("enterprise_id","account_id");--> statement-breakpoint
CREATE INDEX "service_point_staff_attached_by_idx" ON "service_point_staff" USING btree ("attached_by");--> statement-breakpoint
CREATE INDEX "service_point_staff_ended_by_idx" ON "service_point_staff" USING btree ("ended_by");--> statement-breakpoint
CREATE INDEX "aid_request_organization_idx" ON "aid_request" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "municipality_name_idx" ON "municipality" USING btree (lower("name"));