CREATE TABLE "service_agreement" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"admission_id" uuid NOT NULL,
	"installation_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"end_reason" text,
	"end_details" text,
	"ended_by" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_agreement_state_check" CHECK ("service_agreement"."state" in ('active', 'ended')),
	CONSTRAINT "service_agreement_version_check" CHECK ("service_agreement"."version" >= 1),
	CONSTRAINT "service_agreement_end_check" CHECK (("service_agreement"."state" = 'ended') = ("service_agreement"."end_date" is not null and "service_agreement"."end_reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "service_agreement_version" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agreement_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"start_date" date NOT NULL,
	"days" text[] NOT NULL,
	"periods" text[] NOT NULL,
	"contribution" text NOT NULL,
	"daily_rate_cents" integer,
	"signed_on" date NOT NULL,
	"change_reason" text,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_agreement_version_contribution_check" CHECK ("service_agreement_version"."contribution" in ('reduced', 'other_rate')),
	CONSTRAINT "service_agreement_version_rate_check" CHECK (("service_agreement_version"."contribution" = 'other_rate') = ("service_agreement_version"."daily_rate_cents" is not null) and ("service_agreement_version"."daily_rate_cents" is null or "service_agreement_version"."daily_rate_cents" > 0))
);
--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_admission_id_admission_id_fk" FOREIGN KEY ("admission_id") REFERENCES "public"."admission"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_child_id_family_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."family_child"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_ended_by_account_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_created_by_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement_version" ADD CONSTRAINT "service_agreement_version_agreement_id_service_agreement_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."service_agreement"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement_version" ADD CONSTRAINT "service_agreement_version_recorded_by_account_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_agreement_admission_key" ON "service_agreement" USING btree ("admission_id");--> statement-breakpoint
CREATE INDEX "service_agreement_installation_idx" ON "service_agreement" USING btree ("installation_id","state","start_date");--> statement-breakpoint
CREATE INDEX "service_agreement_child_idx" ON "service_agreement" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "service_agreement_ended_by_idx" ON "service_agreement" USING btree ("ended_by");--> statement-breakpoint
CREATE INDEX "service_agreement_created_by_idx" ON "service_agreement" USING btree ("created_by");--> statement-breakpoint
CREATE UNIQUE INDEX "service_agreement_version_key" ON "service_agreement_version" USING btree ("agreement_id","version");--> statement-breakpoint
CREATE INDEX "service_agreement_version_recorded_by_idx" ON "service_agreement_version" USING btree ("recorded_by");