CREATE TYPE "public"."enrolment_document_kind" AS ENUM('signed_forms', 'mandate', 'board_resolution', 'articles_of_incorporation', 'bylaws', 'sole_administrator_resolution', 'unanimous_shareholder_agreement', 'other_proof');--> statement-breakpoint
CREATE TABLE "stored_file" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"storage_key" text NOT NULL,
	"original_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrolment_document" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enrolment_id" uuid NOT NULL,
	"kind" "enrolment_document_kind" NOT NULL,
	"stored_file_id" uuid NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrolment_event" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enrolment_id" uuid NOT NULL,
	"state" "enrolment_state" NOT NULL,
	"kind" text NOT NULL,
	"actor_account_id" uuid,
	"message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "enrolment_document" ADD CONSTRAINT "enrolment_document_enrolment_id_enrolment_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."enrolment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_document" ADD CONSTRAINT "enrolment_document_stored_file_id_stored_file_id_fk" FOREIGN KEY ("stored_file_id") REFERENCES "public"."stored_file"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_document" ADD CONSTRAINT "enrolment_document_uploaded_by_account_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_event" ADD CONSTRAINT "enrolment_event_enrolment_id_enrolment_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."enrolment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_event" ADD CONSTRAINT "enrolment_event_actor_account_id_account_id_fk" FOREIGN KEY ("actor_account_id") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "stored_file_storage_key_key" ON "stored_file" USING btree ("storage_key");--> statement-breakpoint
CREATE INDEX "enrolment_document_enrolment_idx" ON "enrolment_document" USING btree ("enrolment_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "enrolment_document_file_key" ON "enrolment_document" USING btree ("stored_file_id");--> statement-breakpoint
CREATE INDEX "enrolment_document_uploaded_by_idx" ON "enrolment_document" USING btree ("uploaded_by");--> statement-breakpoint
CREATE INDEX "enrolment_event_enrolment_idx" ON "enrolment_event" USING btree ("enrolment_id","created_at");--> statement-breakpoint
CREATE INDEX "enrolment_event_actor_idx" ON "enrolment_event" USING btree ("actor_account_id");