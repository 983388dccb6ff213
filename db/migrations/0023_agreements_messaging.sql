CREATE TABLE "message" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"thread_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"file_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_read" (
	"thread_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_read_thread_id_account_id_pk" PRIMARY KEY("thread_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "message_thread" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"installation_id" uuid,
	"choice_id" uuid,
	"audience" text,
	"subject" text NOT NULL,
	"created_by" uuid NOT NULL,
	"last_message_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_thread_kind_check" CHECK ("message_thread"."kind" in ('registration', 'bc_rsge', 'announcement')),
	CONSTRAINT "message_thread_shape_check" CHECK (("message_thread"."kind" = 'registration' and "message_thread"."choice_id" is not null and "message_thread"."installation_id" is not null and "message_thread"."audience" is null)
       or ("message_thread"."kind" = 'bc_rsge' and "message_thread"."installation_id" is not null and "message_thread"."choice_id" is null and "message_thread"."audience" is null)
       or ("message_thread"."kind" = 'announcement' and "message_thread"."audience" in ('cpe', 'subsidized_daycare', 'daycare', 'coordinating_office', 'home_provider') and "message_thread"."installation_id" is null and "message_thread"."choice_id" is null))
);
--> statement-breakpoint
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
ALTER TABLE "message" ADD CONSTRAINT "message_thread_id_message_thread_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."message_thread"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message" ADD CONSTRAINT "message_author_id_account_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message" ADD CONSTRAINT "message_file_id_stored_file_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."stored_file"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_read" ADD CONSTRAINT "message_read_thread_id_message_thread_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."message_thread"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_read" ADD CONSTRAINT "message_read_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_thread" ADD CONSTRAINT "message_thread_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_thread" ADD CONSTRAINT "message_thread_choice_id_reserve_choice_id_fk" FOREIGN KEY ("choice_id") REFERENCES "public"."reserve_choice"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_thread" ADD CONSTRAINT "message_thread_created_by_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_admission_id_admission_id_fk" FOREIGN KEY ("admission_id") REFERENCES "public"."admission"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_child_id_family_child_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."family_child"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_ended_by_account_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement" ADD CONSTRAINT "service_agreement_created_by_account_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement_version" ADD CONSTRAINT "service_agreement_version_agreement_id_service_agreement_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."service_agreement"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_agreement_version" ADD CONSTRAINT "service_agreement_version_recorded_by_account_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "message_thread_idx" ON "message" USING btree ("thread_id","created_at");--> statement-breakpoint
CREATE INDEX "message_author_idx" ON "message" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "message_file_idx" ON "message" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "message_read_account_idx" ON "message_read" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "message_thread_installation_idx" ON "message_thread" USING btree ("installation_id","last_message_at");--> statement-breakpoint
CREATE INDEX "message_thread_choice_idx" ON "message_thread" USING btree ("choice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "message_thread_choice_key" ON "message_thread" USING btree ("choice_id") WHERE "message_thread"."kind" = 'registration';--> statement-breakpoint
CREATE INDEX "message_thread_audience_idx" ON "message_thread" USING btree ("audience","last_message_at");--> statement-breakpoint
CREATE INDEX "message_thread_created_by_idx" ON "message_thread" USING btree ("created_by");--> statement-breakpoint
CREATE UNIQUE INDEX "service_agreement_admission_key" ON "service_agreement" USING btree ("admission_id");--> statement-breakpoint
CREATE INDEX "service_agreement_installation_idx" ON "service_agreement" USING btree ("installation_id","state","start_date");--> statement-breakpoint
CREATE INDEX "service_agreement_child_idx" ON "service_agreement" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "service_agreement_ended_by_idx" ON "service_agreement" USING btree ("ended_by");--> statement-breakpoint
CREATE INDEX "service_agreement_created_by_idx" ON "service_agreement" USING btree ("created_by");--> statement-breakpoint
CREATE UNIQUE INDEX "service_agreement_version_key" ON "service_agreement_version" USING btree ("agreement_id","version");--> statement-breakpoint
CREATE INDEX "service_agreement_version_recorded_by_idx" ON "service_agreement_version" USING btree ("recorded_by");