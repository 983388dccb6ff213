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
ALTER TABLE "admission" ADD CONSTRAINT "admission_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admission" ADD CONSTRAINT "admission_child_id_family_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."family_child"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admission" ADD CONSTRAINT "admission_choice_id_reserve_choice_id_fk" FOREIGN KEY ("choice_id") REFERENCES "public"."reserve_choice"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admission" ADD CONSTRAINT "admission_admitted_by_account_id_fk" FOREIGN KEY ("admitted_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bc_delegation" ADD CONSTRAINT "bc_delegation_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bc_delegation" ADD CONSTRAINT "bc_delegation_granted_by_account_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rsge_reminder" ADD CONSTRAINT "rsge_reminder_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rsge_reminder" ADD CONSTRAINT "rsge_reminder_sent_by_account_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admission_installation_idx" ON "admission" USING btree ("installation_id","planned_start");--> statement-breakpoint
CREATE INDEX "admission_child_idx" ON "admission" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "admission_choice_idx" ON "admission" USING btree ("choice_id");--> statement-breakpoint
CREATE INDEX "admission_admitted_by_idx" ON "admission" USING btree ("admitted_by");--> statement-breakpoint
CREATE UNIQUE INDEX "admission_child_active_key" ON "admission" USING btree ("child_id") WHERE "admission"."state" in ('admitted', 'confirmed');--> statement-breakpoint
CREATE INDEX "bc_delegation_granted_by_idx" ON "bc_delegation" USING btree ("granted_by");--> statement-breakpoint
CREATE INDEX "rsge_reminder_sent_by_idx" ON "rsge_reminder" USING btree ("sent_by");