CREATE TABLE "service_sheet" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"installation_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"adhered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"adhered_by" uuid NOT NULL,
	"published_at" timestamp with time zone,
	"group_composition" text,
	"daily_rate_cents" integer,
	"rate_details" text,
	"opening_days" text[] DEFAULT '{}'::text[] NOT NULL,
	"opens_at" time,
	"closes_at" time,
	"care_periods" text[] DEFAULT '{}'::text[] NOT NULL,
	"presentation" text,
	"languages" text[] DEFAULT '{}'::text[] NOT NULL,
	"other_languages" text,
	"public_sections" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_sheet_rate_check" CHECK ("service_sheet"."daily_rate_cents" is null or "service_sheet"."daily_rate_cents" >= 0),
	CONSTRAINT "service_sheet_hours_check" CHECK ("service_sheet"."opens_at" is null or "service_sheet"."closes_at" is null or "service_sheet"."closes_at" > "service_sheet"."opens_at"),
	CONSTRAINT "service_sheet_version_check" CHECK ("service_sheet"."version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "provider_neq" text;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "places_total" integer;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "places_under_18_months" integer;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "latitude" double precision;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "longitude" double precision;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "public_latitude" double precision;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "public_longitude" double precision;--> statement-breakpoint
ALTER TABLE "service_sheet" ADD CONSTRAINT "service_sheet_installation_id_installation_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_sheet" ADD CONSTRAINT "service_sheet_adhered_by_account_id_fk" FOREIGN KEY ("adhered_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_sheet" ADD CONSTRAINT "service_sheet_updated_by_account_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_sheet_installation_key" ON "service_sheet" USING btree ("installation_id");--> statement-breakpoint
CREATE INDEX "service_sheet_adhered_by_idx" ON "service_sheet" USING btree ("adhered_by");--> statement-breakpoint
CREATE INDEX "service_sheet_updated_by_idx" ON "service_sheet" USING btree ("updated_by");--> statement-breakpoint
CREATE INDEX "installation_provider_neq_idx" ON "installation" USING btree ("provider_neq");--> statement-breakpoint
ALTER TABLE "installation" ADD CONSTRAINT "installation_provider_neq_check" CHECK ("installation"."provider_neq" is null or ("installation"."kind" = 'home_provider' and "installation"."provider_neq" ~ '^[0-9]{10}$'));--> statement-breakpoint
ALTER TABLE "installation" ADD CONSTRAINT "installation_places_check" CHECK (("installation"."places_total" is null and "installation"."places_under_18_months" is null) or ("installation"."places_total" >= 0 and "installation"."places_under_18_months" >= 0 and "installation"."places_under_18_months" <= "installation"."places_total"));--> statement-breakpoint
ALTER TABLE "installation" ADD CONSTRAINT "installation_position_check" CHECK (("installation"."latitude" is null and "installation"."longitude" is null and "installation"."public_latitude" is null and "installation"."public_longitude" is null) or ("installation"."latitude" between -90 and 90 and "installation"."longitude" between -180 and 180 and "installation"."public_latitude" is not null and "installation"."public_longitude" is not null));