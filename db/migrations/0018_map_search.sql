CREATE TABLE "postal_area" (
	"fsa" text PRIMARY KEY NOT NULL,
	"place_name" text NOT NULL,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "postal_area_fsa_check" CHECK ("postal_area"."fsa" ~ '^[GHJ][0-9][A-Z]$'),
	CONSTRAINT "postal_area_position_check" CHECK ("postal_area"."latitude" between 44 and 63 and "postal_area"."longitude" between -80 and -57)
);
--> statement-breakpoint
ALTER TABLE "service_sheet" ALTER COLUMN "adhered_by" DROP NOT NULL;--> statement-breakpoint
CREATE INDEX "installation_public_position_idx" ON "installation" USING btree ("public_latitude","public_longitude");