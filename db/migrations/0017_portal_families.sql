CREATE TABLE "family" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"interest_confirmed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reminder_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family_child" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"family_id" uuid NOT NULL,
	"registration_number" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"birth_date" date NOT NULL,
	"expected" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family_guardian" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"family_id" uuid NOT NULL,
	"role" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"phone" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "family_guardian_role_check" CHECK ("family_guardian"."role" in ('parent', 'guardian'))
);
--> statement-breakpoint
CREATE TABLE "reserve_choice" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"installation_id" uuid NOT NULL,
	"desired_start" date NOT NULL,
	"days" text[] NOT NULL,
	"periods" text[] NOT NULL,
	"accepts_partial" boolean DEFAULT false NOT NULL,
	"accepts_substitute" boolean DEFAULT false NOT NULL,
	"state" text DEFAULT 'waiting' NOT NULL,
	"inactive_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reserve_choice_state_check" CHECK ("reserve_choice"."state" in ('waiting', 'contacted', 'offered', 'admitted', 'withdrawn'))
);
--> statement-breakpoint
ALTER TABLE "family" ADD CONSTRAINT "family_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_child" ADD CONSTRAINT "family_child_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_guardian" ADD CONSTRAINT "family_guardian_family_id_family_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."family"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_choice" ADD CONSTRAINT "reserve_choice_child_id_family_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."family_child"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_choice" ADD CONSTRAINT "reserve_choice_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "family_account_key" ON "family" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "family_child_registration_number_key" ON "family_child" USING btree ("registration_number");--> statement-breakpoint
CREATE INDEX "family_child_family_idx" ON "family_child" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "family_guardian_family_idx" ON "family_guardian" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "reserve_choice_child_idx" ON "reserve_choice" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "reserve_choice_installation_idx" ON "reserve_choice" USING btree ("installation_id","desired_start","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reserve_choice_child_site_key" ON "reserve_choice" USING btree ("child_id","installation_id") WHERE "reserve_choice"."state" <> 'withdrawn';