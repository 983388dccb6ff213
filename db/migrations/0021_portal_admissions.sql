CREATE TABLE "recognition_change" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"installation_id" uuid NOT NULL,
	"status" text NOT NULL,
	"effective_date" date NOT NULL,
	"planned_return" date,
	"show_days_before" integer,
	"reason" text NOT NULL,
	"changed_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recognition_change_status_check" CHECK ("recognition_change"."status" in ('active', 'suspended', 'revoked', 'ended')),
	CONSTRAINT "recognition_change_suspension_check" CHECK (("recognition_change"."status" = 'suspended') = ("recognition_change"."planned_return" is not null and "recognition_change"."show_days_before" is not null))
);
--> statement-breakpoint
CREATE TABLE "admission" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"installation_id" uuid NOT NULL,
	"child_id" uuid NOT NULL,
	"choice_id" uuid,
	"planned_start" date NOT NULL,
	"age_group" text NOT NULL,
	"override_reason" text,
	"state" text DEFAULT 'admitted' NOT NULL,
	"admitted_by" uuid NOT NULL,
	"other_choices" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "admission_state_check" CHECK ("admission"."state" in ('admitted', 'confirmed', 'cancelled', 'ended')),
	CONSTRAINT "admission_age_group_check" CHECK ("admission"."age_group" in ('infant', 'toddler')),
	CONSTRAINT "admission_other_choices_check" CHECK ("admission"."other_choices" is null or "admission"."other_choices" in ('kept', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "bc_delegation" (
	"installation_id" uuid PRIMARY KEY NOT NULL,
	"granted_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rsge_reminder" (
	"installation_id" uuid PRIMARY KEY NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"sent_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "contact_email" text;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "contact_phone" text;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "recognition_status" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "hidden_until" date;--> statement-breakpoint
ALTER TABLE "recognition_change" ADD CONSTRAINT "recognition_change_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admission" ADD CONSTRAINT "admission_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admission" ADD CONSTRAINT "admission_child_id_family_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."family_child"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admission" ADD CONSTRAINT "admission_choice_id_reserve_choice_id_fk" FOREIGN KEY ("choice_id") REFERENCES "public"."reserve_choice"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admission" ADD CONSTRAINT "admission_admitted_by_account_id_fk" FOREIGN KEY ("admitted_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bc_delegation" ADD CONSTRAINT "bc_delegation_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bc_delegation" ADD CONSTRAINT "bc_delegation_granted_by_account_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rsge_reminder" ADD CONSTRAINT "rsge_reminder_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rsge_reminder" ADD CONSTRAINT "rsge_reminder_sent_by_account_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recognition_change_installation_idx" ON "recognition_change" USING btree ("installation_id","created_at");--> statement-breakpoint
CREATE INDEX "admission_installation_idx" ON "admission" USING btree ("installation_id","planned_start");--> statement-breakpoint
CREATE INDEX "admission_child_idx" ON "admission" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "admission_choice_idx" ON "admission" USING btree ("choice_id");--> statement-breakpoint
CREATE INDEX "admission_admitted_by_idx" ON "admission" USING btree ("admitted_by");--> statement-breakpoint
CREATE UNIQUE INDEX "admission_child_active_key" ON "admission" USING btree ("child_id") WHERE "admission"."state" in ('admitted', 'confirmed');--> statement-breakpoint
CREATE INDEX "bc_delegation_granted_by_idx" ON "bc_delegation" USING btree ("granted_by");--> statement-breakpoint
CREATE INDEX "rsge_reminder_sent_by_idx" ON "rsge_reminder" USING btree ("sent_by");--> statement-breakpoint
ALTER TABLE "installation" ADD CONSTRAINT "installation_recognition_status_check" CHECK ("installation"."recognition_status" in ('active', 'suspended', 'revoked', 'ended') and ("installation"."recognition_status" = 'active' or "installation"."kind" = 'home_provider'));